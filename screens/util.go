package screens

import (
	"strconv"

	"frontdesk/money"
)

func itoa(n int) string { return strconv.Itoa(n) }

// count is n with its noun, singular for one: "1 note", "1,204 notes".
func count(n int64, one, many string) string {
	if n == 1 || n == -1 {
		return money.Int(n) + " " + one
	}
	return money.Int(n) + " " + many
}
