package tui

import (
	"errors"
	"strings"

	"frontdesk/tui/sanitize"
)

// ErrorText is what err says to the agent: the UserMessage() of err or of
// anything it wraps (the client's typed errors say what to do next), else
// err.Error(). It is not sanitized; WrapError and the toasts do that.
// nil gives "".
func ErrorText(err error) string {
	if err == nil {
		return ""
	}
	var um interface{ UserMessage() string }
	if errors.As(err, &um) {
		return um.UserMessage()
	}
	return err.Error()
}

// WrapError is ErrorText(err) sanitized and wrapped to lines of at most
// width cells, whole: the lines of an error pane. Nothing of the cause or
// the advice is cut, so give it the room it asks for (or use Wrap with a
// line limit). nil gives nil.
func WrapError(c sanitize.Cells, err error, width int) []string {
	if err == nil {
		return nil
	}
	return Wrap(c, ErrorText(err), width, 0)
}

// Wrap sanitizes text (as a block: its own line breaks stay) and wraps it
// at spaces to lines of at most width cells, breaking a word only when it
// is longer than a line. maxLines > 0 keeps at most that many lines; the
// last then ends in "…" to say that more was cut. Empty text gives nil.
func Wrap(c sanitize.Cells, text string, width, maxLines int) []string {
	text = strings.TrimSpace(c.Block(text))
	if text == "" {
		return nil
	}
	width = max(1, width)
	var lines []string
	for para := range strings.SplitSeq(text, "\n") {
		para = strings.TrimRight(para, " ")
		if para == "" {
			lines = append(lines, "")
			continue
		}
		for l := range strings.SplitSeq(c.Wrap(para, width), "\n") {
			lines = append(lines, strings.TrimRight(l, " "))
		}
	}
	if maxLines > 0 && len(lines) > maxLines {
		// The last kept line ends in " …" (cut further if that does not
		// fit: Truncate ends what it cuts with "…").
		lines = lines[:maxLines]
		lines[maxLines-1] = c.Truncate(lines[maxLines-1]+" …", width)
	}
	return lines
}
