package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// jsonToNode converts a JSON document (already checked to be valid and
// alone) into the YAML node tree the decoder walks. JSON is not quite a
// subset of what the YAML parser accepts (escapes such as \/ and
// surrogate pairs differ), so JSON gets its own reader.
func jsonToNode(data []byte) (*yaml.Node, error) {
	r := &jsonReader{dec: json.NewDecoder(bytes.NewReader(data)), data: data, line: 1}
	r.dec.UseNumber()
	tok, err := r.next()
	if err != nil {
		return nil, err
	}
	return r.value(tok)
}

type jsonReader struct {
	dec  *json.Decoder
	data []byte
	// line is the line of the last token read; counted is the offset up
	// to which newlines have been counted.
	line    int
	counted int
}

func (r *jsonReader) next() (json.Token, error) {
	tok, err := r.dec.Token()
	if err != nil {
		return nil, syntaxError(fmt.Sprintf("invalid JSON: %v", err), r.line)
	}
	off := min(int(r.dec.InputOffset()), len(r.data))
	if off > r.counted {
		r.line += bytes.Count(r.data[r.counted:off], []byte("\n"))
		r.counted = off
	}
	return tok, nil
}

func (r *jsonReader) value(tok json.Token) (*yaml.Node, error) {
	n := &yaml.Node{Line: r.line, Kind: yaml.ScalarNode}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n.Kind, n.Tag = yaml.MappingNode, "!!map"
			for {
				k, err := r.next()
				if err != nil {
					return nil, err
				}
				if k == json.Delim('}') {
					return n, nil
				}
				key, ok := k.(string)
				if !ok {
					return nil, syntaxError(fmt.Sprintf("invalid JSON: object key %v is not a string", k), r.line)
				}
				kn := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: r.line}
				v, err := r.next()
				if err != nil {
					return nil, err
				}
				vn, err := r.value(v)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, kn, vn)
			}
		case '[':
			n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
			for {
				v, err := r.next()
				if err != nil {
					return nil, err
				}
				if v == json.Delim(']') {
					return n, nil
				}
				vn, err := r.value(v)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, vn)
			}
		}
		return nil, syntaxError(fmt.Sprintf("invalid JSON: unexpected %v", t), r.line)
	case string:
		n.Tag, n.Value = "!!str", t
	case json.Number:
		n.Value = string(t)
		n.Tag = "!!int"
		if strings.ContainsAny(n.Value, ".eE") {
			n.Tag = "!!float"
		}
	case bool:
		n.Tag, n.Value = "!!bool", fmt.Sprint(t)
	case nil:
		n.Tag, n.Value = "!!null", "null"
	default:
		return nil, syntaxError(fmt.Sprintf("invalid JSON: unexpected token %v", t), r.line)
	}
	return n, nil
}
