package seed

import (
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"
)

// rowsPerStmt is how many rows one INSERT statement carries.
const rowsPerStmt = 200

// values accumulates the rows of one table as the text of multi-row INSERT
// statements with literal values. The generator goroutine writes the
// text, so the goroutine holding the SQLite connection only parses it:
// binding the same values one parameter at a time costs that goroutine
// more than parsing them, and it is the bottleneck of a load.
type values struct {
	head  string
	buf   []byte
	rows  int
	stmts []string
}

func newValues(table string, cols []string) *values {
	return &values{head: "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "}
}

// add appends one row; vals are int64, string or nil.
func (v *values) add(vals ...any) {
	if v.rows == 0 {
		v.buf = append(v.buf[:0], v.head...)
	} else {
		v.buf = append(v.buf, ',')
	}
	v.buf = append(v.buf, '(')
	for i, x := range vals {
		if i > 0 {
			v.buf = append(v.buf, ',')
		}
		v.buf = appendLiteral(v.buf, x)
	}
	v.buf = append(v.buf, ')')
	if v.rows++; v.rows == rowsPerStmt {
		v.flush()
	}
}

func (v *values) flush() {
	if v.rows > 0 {
		v.stmts = append(v.stmts, string(v.buf))
		v.rows = 0
	}
}

// take returns the finished statements, the partial one included.
func (v *values) take() []string {
	v.flush()
	s := v.stmts
	v.stmts = nil
	return s
}

// appendLiteral writes x as an SQL literal. Text that SQL quoting cannot
// carry (NUL ends the statement, invalid UTF-8) goes as a hex blob cast
// to text, byte for byte.
func appendLiteral(b []byte, x any) []byte {
	switch x := x.(type) {
	case nil:
		return append(b, "NULL"...)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case string:
		if strings.IndexByte(x, 0) >= 0 || !utf8.ValidString(x) {
			b = append(b, "CAST(X'"...)
			b = hex.AppendEncode(b, []byte(x))
			return append(b, "' AS TEXT)"...)
		}
		b = append(b, '\'')
		for {
			i := strings.IndexByte(x, '\'')
			if i < 0 {
				break
			}
			b = append(b, x[:i+1]...)
			b = append(b, '\'')
			x = x[i+1:]
		}
		b = append(b, x...)
		return append(b, '\'')
	}
	panic("seed: unsupported literal type")
}
