package config

import (
	"slices"

	"github.com/pelletier/go-toml/v2/unstable"
)

// keyPos is one key of the document (a table header or a key/value, inline
// tables included) with its full dotted path and the line it is on.
type keyPos struct {
	path []string
	line int
}

// scanKeys lists every key in the document with its line, walking the
// syntax tree so that keys inside unknown tables and inline tables are
// seen too (the decoder reports an unknown table once, not its keys).
func scanKeys(data []byte) ([]keyPos, error) {
	var p unstable.Parser
	p.Reset(data)
	var out []keyPos
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			path, line := keyOf(&p, e.Key())
			table = path
			out = append(out, keyPos{path: path, line: line})
		case unstable.KeyValue:
			out = scanKeyValue(&p, e, table, out)
		}
	}
	if err := p.Error(); err != nil {
		return nil, err
	}
	return out, nil
}

func scanKeyValue(p *unstable.Parser, kv *unstable.Node, prefix []string, out []keyPos) []keyPos {
	rel, line := keyOf(p, kv.Key())
	path := append(slices.Clone(prefix), rel...)
	out = append(out, keyPos{path: path, line: line})
	return scanValue(p, kv.Value(), path, out)
}

func scanValue(p *unstable.Parser, v *unstable.Node, path []string, out []keyPos) []keyPos {
	switch v.Kind {
	case unstable.InlineTable:
		it := v.Children()
		for it.Next() {
			if n := it.Node(); n.Kind == unstable.KeyValue {
				out = scanKeyValue(p, n, path, out)
			}
		}
	case unstable.Array:
		it := v.Children()
		for it.Next() {
			out = scanValue(p, it.Node(), path, out)
		}
	}
	return out
}

func keyOf(p *unstable.Parser, it unstable.Iterator) ([]string, int) {
	var parts []string
	line := 0
	for it.Next() {
		n := it.Node()
		if line == 0 {
			line = p.Shape(n.Raw).Start.Line
		}
		parts = append(parts, string(n.Data))
	}
	return parts, line
}
