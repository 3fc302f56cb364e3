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

func (o object) str(key string, v *validator) (string, bool) {
	if !o.present(key) {
		return "", false
	}
	var s string
	if err := json.Unmarshal(o[key], &s); err != nil {
		v.fail(key, "Type", "'%s' must be a string.", key)
		return "", false
	}
	return s, true
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
	if !o.present(key) {
		return false, false
	}
	var b bool
	if err := json.Unmarshal(o[key], &b); err != nil {
		v.fail(key, "Type", "'%s' must be true or false.", key)
		return false, false
	}
	return b, true
}

func (o object) object(key string, v *validator) (object, bool) {
	if !o.present(key) {
		return nil, false
	}
	var obj object
	if err := json.Unmarshal(o[key], &obj); err != nil {
		v.fail(key, "Type", "'%s' must be an object.", key)
		return nil, false
	}
	return obj, true
}

func (o object) strings(key string, v *validator) (map[string]string, bool) {
	if !o.present(key) {
		return nil, false
	}
	var m map[string]string
	if err := json.Unmarshal(o[key], &m); err != nil {
		v.fail(key, "Type", "'%s' must be an object whose values are strings.", key)
		return nil, false
	}
	return m, true
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
