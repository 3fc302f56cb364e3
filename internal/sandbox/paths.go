package sandbox

import (
	"net/http"
	"net/url"
	"strings"
)

// routeRequest sends the sandbox's own pages (the link pages, the fake Xero token endpoint, the /_sandbox/ control
// endpoints) to pages and every other request to the API, after removing the path's dot segments.
//
// Codat documents no answer to a path with `.` or `..` segments. The most plausible reading is that of HTTP
// servers following RFC 3986 section 5.2.4 and the normalisation of section 6.2.2, as the ASP.NET servers do
// (Codat's API is a .NET service: its deprecated description was served at Swashbuckle's default path
// /swagger/v1/swagger.json, CODAT-FACTS SPK): the dot segments are removed, percent-encoded dots included, and the
// request is served at the resulting path; it is not redirected. So DELETE
// /companies/{companyId}/connections/{connectionId}/connectionInfo/bankFeedAccounts/.. is a DELETE of
// /companies/{companyId}/connections/{connectionId}/connectionInfo, which names no operation (see serveAPI).
// Go's ServeMux would instead answer 307 with the cleaned path, which no source says Codat does; the pages keep
// the ServeMux behaviour, being the sandbox's own.
func (s *Sandbox) routeRequest(pages http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = withoutDotSegments(r)
		p := r.URL.Path
		if strings.HasPrefix(p, "/_sandbox/") || strings.HasPrefix(p, "/link/") || p == xeroTokenPath {
			pages.ServeHTTP(w, r)
			return
		}
		s.serveAPI(w, r)
	})
}

// withoutDotSegments returns r with the dot segments of its path removed (RFC 3986 section 5.2.4), or r itself
// when the path has none.
func withoutDotSegments(r *http.Request) *http.Request {
	escaped := r.URL.EscapedPath()
	segs := strings.Split(escaped, "/")
	if !strings.HasPrefix(escaped, "/") || !hasDotSegment(segs) {
		return r
	}
	var out []string
	for i, seg := range segs[1:] {
		last := i == len(segs)-2
		switch dotSegment(seg) {
		case ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
			continue
		}
		if last {
			out = append(out, "") // "/a/b/.." is "/a/", as the RFC's examples show
		}
	}
	cleaned := "/" + strings.Join(out, "/")
	u := *r.URL
	u.RawPath = cleaned
	u.Path, _ = url.PathUnescape(cleaned)
	r2 := *r
	r2.URL = &u
	return &r2
}

func hasDotSegment(segs []string) bool {
	for _, seg := range segs {
		if dotSegment(seg) != "" {
			return true
		}
	}
	return false
}

// dotSegment returns "." or ".." when seg is one, percent-encoded dots included (RFC 3986 section 6.2.2.2).
func dotSegment(seg string) string {
	if !strings.Contains(seg, ".") && !strings.Contains(strings.ToLower(seg), "%2e") {
		return ""
	}
	decoded, err := url.PathUnescape(seg)
	if err != nil || (decoded != "." && decoded != "..") {
		return ""
	}
	return decoded
}
