package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Fixed returns a Quantity fixed at v seconds.
func Fixed(v float64) Quantity { return Quantity{Value: v} }

// Random returns a Quantity sampled per request from rv.
func Random(rv RV) Quantity { return Quantity{Value: rv.Mean, RV: &rv} }

// IsFixed reports whether the quantity is a plain number.
func (q Quantity) IsFixed() bool { return q.RV == nil }

// MarshalJSON writes a fixed quantity as a number and a random one as its
// RV object, so that decoding the output gives the quantity back.
func (q Quantity) MarshalJSON() ([]byte, error) {
	if q.RV != nil {
		return json.Marshal(q.RV)
	}
	return json.Marshal(q.Value)
}

// UnmarshalJSON reads a number or an RV object. It is lenient (encoding/json
// semantics); Decode is the strict entry point for documents.
func (q *Quantity) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '{' {
		var rv RV
		if err := json.Unmarshal(data, &rv); err != nil {
			return fmt.Errorf("scenario: quantity: %w", err)
		}
		*q = Quantity{Value: rv.Mean, RV: &rv}
		return nil
	}
	var v float64
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("scenario: quantity must be a number or {mean, distribution, variance}: %w", err)
	}
	*q = Quantity{Value: v}
	return nil
}

// MarshalYAML writes a fixed quantity as a number and a random one as its
// RV mapping.
func (q Quantity) MarshalYAML() (any, error) {
	if q.RV != nil {
		return q.RV, nil
	}
	return q.Value, nil
}
