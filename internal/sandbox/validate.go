package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// object is a decoded JSON object whose members are decoded on demand, so that a handler can
// tell an absent member from a null one and name the member that has the wrong type.
type object map[string]json.RawMessage

// validator collects Codat-style validation errors, one per offending field.
type validator struct {
	items []validationItem
}

func (v *validator) fail(field, validatorName, format string, args ...any) {
	v.items = append(v.items, validationItem{
		ItemID:        field,
		Message:       fmt.Sprintf(format, args...),
		ValidatorName: validatorName,
	})
}

func (v *validator) ok() bool { return len(v.items) == 0 }

// merge adds the errors found in a nested object, naming their fields from the top.
func (v *validator) merge(prefix string, nested validator) {
	for _, item := range nested.items {
		item.ItemID = prefix + "." + item.ItemID
		v.items = append(v.items, item)
	}
}

func (v *validator) response() apiResponse { return validationResponse(v.items) }

// decodeObject parses a request body that must be a JSON object.
func decodeObject(body []byte) (object, apiResponse, bool) {
	var obj object
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&obj); err != nil || obj == nil || dec.More() {
		var v validator
		v.fail("body", "Json", "The request body must be a JSON object.")
		return nil, v.response(), false
	}
	return obj, apiResponse{}, true
}

// present reports whether the member exists and is not null.
func (o object) present(key string) bool {
	raw, ok := o[key]
	return ok && !bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// member decodes the member key into a T; what names the type a value must have, for the "Type" failure.
func member[T any](o object, key, what string, v *validator) (T, bool) {
	var val T
	if !o.present(key) {
		return val, false
	}
	if err := json.Unmarshal(o[key], &val); err != nil {
		var zero T
		v.fail(key, "Type", "'%s' must be %s.", key, what)
		return zero, false
	}
	return val, true
}

func (o object) str(key string, v *validator) (string, bool) {
	return member[string](o, key, "a string", v)
}

// required reads, with read (object.str, object.boolean…), a member that Codat's schema requires: absent or
// null, it fails as Codat does, "'<key>' is required.".
func required[T any](o object, key string, v *validator, read func(object, string, *validator) (T, bool)) (T, bool) {
	val, ok := read(o, key, v)
	if !ok && !o.present(key) {
		v.fail(key, "Required", "'%s' is required.", key)
	}
	return val, ok
}

// requiredText is required for a string member that must not be empty either.
func requiredText(o object, key string, v *validator) string {
	s, ok := o.str(key, v)
	if !ok && !o.present(key) || ok && s == "" {
		v.fail(key, "Required", "'%s' is required.", key)
	}
	return s
}

// dateTime reads a member of Codat's DateTime type; a string that is none fails "'<key>' must be an ISO 8601
// <form>.", and reads as the zero time.
func (o object) dateTime(key, form string, v *validator) (time.Time, bool) {
	raw, ok := o.str(key, v)
	if !ok {
		return time.Time{}, false
	}
	t, valid := parseDateTime(raw)
	if !valid {
		v.fail(key, "DateTime", "'%s' must be an ISO 8601 %s.", key, form)
	}
	return t, true
}

// decimal returns a number as written, so that 1234.50 is answered as 1234.50, as Codat's
// decimal type keeps it.
func (o object) decimal(key string, v *validator) (json.Number, bool) {
	if !o.present(key) {
		return "", false
	}
	dec := json.NewDecoder(bytes.NewReader(o[key]))
	dec.UseNumber()
	var n any
	err := dec.Decode(&n)
	num, ok := n.(json.Number)
	if err != nil || !ok {
		v.fail(key, "Type", "'%s' must be a number.", key)
		return "", false
	}
	return num, true
}

// sameDecimal compares two decimals by value: 1.5 and 1.50 are the same balance.
func sameDecimal(a, b json.Number) bool {
	x, errX := a.Float64()
	y, errY := b.Float64()
	return errX == nil && errY == nil && x == y
}

func (o object) boolean(key string, v *validator) (bool, bool) {
	return member[bool](o, key, "true or false", v)
}

func (o object) object(key string, v *validator) (object, bool) {
	return member[object](o, key, "an object", v)
}

func (o object) strings(key string, v *validator) (map[string]string, bool) {
	return member[map[string]string](o, key, "an object whose values are strings", v)
}

const dateLayout = "2006-01-02"

// dateTimeLayouts are the forms Codat's DateTime type takes: UTC, offset, unqualified local
// time and a bare date.
var dateTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", dateLayout}

func parseDateTime(s string) (time.Time, bool) {
	for _, layout := range dateTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// withBody hands a request's body, which must be a JSON object (else Codat's 400 validation answer), to handle with
// an empty validator for its members.
func withBody(r *apiRequest, handle func(obj object, v *validator) apiResponse) apiResponse {
	obj, resp, ok := decodeObject(r.body)
	if !ok {
		return resp
	}
	var v validator
	return handle(obj, &v)
}
