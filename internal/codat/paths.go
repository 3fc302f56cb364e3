package codat

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// apiWords are the fixed segments of the request paths the client builds (Codat's OpenAPI path templates, such as
// /companies/{companyId}/connections/{connectionId}/connectionInfo/bankFeedAccounts): every other segment of a
// path is an identifier. TestAPIWordsCoverEveryPath keeps the list complete.
var apiWords = []string{
	"bankFeedAccounts", "bankFeeds", "batch", "companies", "connectionInfo", "connections", "credentials", "enabled",
	"info", "integrations", "mapping", "products", "settings", "webhooks",
}

// IdentifierRule says which strings can name one object at all, completing "must be"; CheckIdentifier applies it.
const IdentifierRule = "a non-blank string with no leading or trailing white space and no control characters"

// PathSegmentRule says which identifiers can be sent as one segment of a URL path, completing "must be";
// CheckPathSegment applies it.
const PathSegmentRule = "a non-blank string with no leading or trailing white space, no control characters and " +
	"no `/` or `\\`, other than `.` and `..`"

// CheckIdentifier reports why s cannot name one object, or "" when it can: an empty or blank value names none,
// and surrounding white space or control characters are a copy mistake whose handling by Codat is not documented
// (it may trim them, or not).
func CheckIdentifier(s string) string {
	switch {
	case s == "":
		return "must not be empty"
	case strings.TrimSpace(s) == "":
		return "must not be blank (white space only)"
	case strings.TrimSpace(s) != s:
		return "must not start or end with white space"
	case strings.ContainsFunc(s, unicode.IsControl):
		return "must not contain control characters such as line breaks or tabs"
	}
	return ""
}

// CheckPathSegment reports why s cannot address exactly one object as a segment of a URL path, or "" when it can.
//
// A path segment is escaped before it is sent, but servers and proxies on the way undo the escaping and normalise
// the path: `.` and `..` are removed together with the segment before them (RFC 3986 section 5.2.4), `%2F` and
// `\` are read as a `/` by common servers, and an empty segment addresses the collection instead of a member of
// it.
func CheckPathSegment(s string) string {
	if msg := CheckIdentifier(s); msg != "" {
		return msg
	}
	switch {
	case s == "." || s == "..":
		return "must not be `.` or `..`, which a URL path drops or resolves to the segment before it"
	case strings.Contains(s, "/"):
		return "must not contain a slash (`/`), which separates URL path segments and import ID parts"
	case strings.Contains(s, `\`):
		return "must not contain a backslash (`\\`), which common servers read as a slash"
	}
	return ""
}

// pathIdentifiers returns the identifiers of a path built by pathf, decoded, in order; an error when one of them
// cannot address exactly one object (see CheckPathSegment).
func pathIdentifiers(path string) ([]string, error) {
	raw := strings.Split(strings.TrimPrefix(path, "/"), "/")
	var ids []string
	for _, seg := range raw {
		if slices.Contains(apiWords, seg) {
			continue
		}
		id, err := url.PathUnescape(seg)
		if err != nil {
			return nil, fmt.Errorf("the path segment %q is not a valid escaped identifier: %w", seg, err)
		}
		if msg := CheckPathSegment(id); msg != "" {
			return nil, fmt.Errorf("the identifier %q cannot address one object: it %s", id, msg)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// namedIdentifier returns the last of ids (the most specific, for ids in path order) that text names as a word of
// its own, or "". Codat's not-found answers
// name the missing object by its id ("Data connection a22dd66b-… not found", "No company was found with ID
// 846ed55c-…": P and BF components.responses.Not-Found). An id inside a URL path ("no route matches
// /x/companies/846ed55c-…") names a route, not an object, so a `/` next to it does not count as a word boundary.
// The comparison ignores case: Codat writes UUIDs in lower case whatever case the request used.
func namedIdentifier(text string, ids []string) string {
	lower := strings.ToLower(text)
	for _, id := range slices.Backward(ids) {
		want := strings.ToLower(id)
		for from := 0; from < len(lower); {
			i := strings.Index(lower[from:], want)
			if i < 0 {
				break
			}
			start, end := from+i, from+i+len(want)
			if wordBoundaryBefore(lower[:start]) && wordBoundaryAfter(lower[end:]) {
				return id
			}
			from = start + 1
		}
	}
	return ""
}

func wordBoundaryBefore(s string) bool {
	if s == "" {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsSpace(r) || strings.ContainsRune("\"'`([{<:=#", r)
}

func wordBoundaryAfter(s string) bool {
	if s == "" {
		return true
	}
	r, size := utf8.DecodeRuneInString(s)
	if r == '.' {
		// A full stop ends the sentence only when nothing but white space follows it ("…ID 846e…." or "…. Retry").
		next, _ := utf8.DecodeRuneInString(s[size:])
		return size == len(s) || unicode.IsSpace(next)
	}
	return unicode.IsSpace(r) || strings.ContainsRune("\"'`)]}>,;:!?", r)
}

// bodyIdentifiers returns the identifiers a JSON request body refers to other objects by: the string values of its
// top-level members named like Codat's references (platformKey, sourceAccountId, targetAccountId …). Codat's
// not-found answer to such a request names the missing object ("Integration with platform key xero was not
// found"), which may be the one the body names rather than one in the path.
func bodyIdentifiers(body []byte) []string {
	var members map[string]any
	if json.Unmarshal(body, &members) != nil {
		return nil
	}
	var ids []string
	for _, name := range slices.Sorted(maps.Keys(members)) {
		if v, ok := members[name].(string); ok && v != "" && (strings.HasSuffix(name, "Id") || strings.HasSuffix(name, "Key")) {
			ids = append(ids, v)
		}
	}
	return ids
}
