package tui

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
)

// Navigation. Screens never touch the stack; they send these.

// PushMsg puts a screen on top of the stack.
type PushMsg struct{ Screen Screen }

// PopMsg removes the top screen (at the root it quits).
type PopMsg struct{}

// ReplaceMsg swaps the top screen for another (a form that, once saved,
// becomes the profile it created).
type ReplaceMsg struct{ Screen Screen }

// ResetMsg empties the stack down to one new root screen.
type ResetMsg struct{ Screen Screen }

// Push returns a command that pushes s.
func Push(s Screen) tea.Cmd { return func() tea.Msg { return PushMsg{Screen: s} } }

// Pop returns a command that pops the top screen.
func Pop() tea.Cmd { return func() tea.Msg { return PopMsg{} } }

// Replace returns a command that replaces the top screen with s.
func Replace(s Screen) tea.Cmd { return func() tea.Msg { return ReplaceMsg{Screen: s} } }

// ResetTo returns a command that makes s the only screen.
func ResetTo(s Screen) tea.Cmd { return func() tea.Msg { return ResetMsg{Screen: s} } }

// Requests the shell hands to the Router (from the palette or a screen).

// OpenCustomerMsg asks for a customer's profile (":customer 42").
type OpenCustomerMsg struct{ ID api.ID }

// OpenOrderMsg asks for an order by its number as quoted (":order
// FD-00001584", ":order #1584"): the customer who placed it, with the
// order open.
type OpenOrderMsg struct{ Number string }

// SearchMsg asks for a customer search (":search jane").
type SearchMsg struct{ Query string }

// BulkMsg asks for the bulk loyalty corrections of a CSV file (":bulk
// fixes.csv"): its plan, then applying it.
type BulkMsg struct{ File string }

// EraseMsg asks the screen on top to erase its customer (":erase"): a
// profile opens the erase form (screens/forms.Erase); any other screen
// says to open one.
type EraseMsg struct{}

// MergeMsg asks to merge customer Drop into Keep (":merge 97" on the
// profile of Keep: the shell fills Keep from the top screen when it is a
// CustomerScreen).
type MergeMsg struct{ Keep, Drop api.ID }

// MergedMsg says a merge of Drop into Keep was applied; profiles of
// either load again.
type MergedMsg struct{ Keep, Drop api.ID }

// CustomerScreen is a screen about one customer (a profile).
type CustomerScreen interface {
	// CustomerID is the customer shown.
	CustomerID() api.ID
}

// SwitchProfileMsg asks to switch to another profile (":profile prod").
type SwitchProfileMsg struct{ Name string }

// NavigateMsg carries any other request for the Router, so screens can
// add their own without the shell knowing them.
type NavigateMsg struct{ To tea.Msg }

// Navigate returns a command that hands msg to the Router.
func Navigate(msg tea.Msg) tea.Cmd { return func() tea.Msg { return NavigateMsg{To: msg} } }

// Session.

// AgentMsg tells the shell who the agent is (the answer to GET /me); it
// sets Common.Agent, which the header and role gating read.
type AgentMsg struct{ Agent api.Me }

// Toasts.

// ToastKind is how a toast looks.
type ToastKind int

// Toast kinds.
const (
	ToastInfo ToastKind = iota
	ToastSuccess
	ToastError
)

// ToastMsg shows a line in the footer for a while. A newer toast replaces
// an older one.
type ToastMsg struct {
	Kind ToastKind
	Text string
	// TTL is how long it shows; zero means the default for its kind.
	TTL time.Duration
}

// Default toast lifetimes: errors stay longer, they tell what to do.
const (
	ToastTTL      = 4 * time.Second
	ErrorToastTTL = 8 * time.Second
)

// Info returns a command showing an informational toast.
func Info(text string) tea.Cmd { return toast(ToastInfo, text) }

// Success returns a command showing a success toast.
func Success(text string) tea.Cmd { return toast(ToastSuccess, text) }

// Error returns a command showing an error toast.
func Error(text string) tea.Cmd { return toast(ToastError, text) }

// Errorf formats an error toast.
func Errorf(format string, args ...any) tea.Cmd { return Error(fmt.Sprintf(format, args...)) }

// ErrorFrom shows err as an error toast; nil shows nothing. If err (or
// anything it wraps) has a UserMessage() string method, that is shown:
// the client's typed errors say what to do next.
func ErrorFrom(err error) tea.Cmd {
	if err == nil {
		return nil
	}
	return Error(ErrorText(err))
}

func toast(kind ToastKind, text string) tea.Cmd {
	return func() tea.Msg { return ToastMsg{Kind: kind, Text: text} }
}

// Work in flight.

// DoneMsg carries the answer of a command wrapped by Common.Track. The
// shell takes one off the in-flight count and delivers Msg as if the
// command had returned it; screen tests that run a tracked command get a
// DoneMsg and look at Msg.
type DoneMsg struct{ Msg tea.Msg }

// Track wraps a command (an API call) so the footer's spinner turns while
// it runs; call it from Update. The command's message reaches the screens
// as usual once it is done. Use it for every network call.
func (c *Common) Track(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	// Counted here, synchronously, not by a message: a message could
	// arrive after the answer and leave the spinner turning.
	c.inFlight++
	return func() tea.Msg { return DoneMsg{Msg: cmd()} }
}

// InFlight is the number of tracked commands not yet answered.
func (c *Common) InFlight() int { return c.inFlight }

// Overlays a screen can open for a key it took as text (the search box
// passes ? and : through when it is empty).

// ShowHelpMsg opens the ? overlay.
type ShowHelpMsg struct{}

// OpenPaletteMsg opens the : command line.
type OpenPaletteMsg struct{}

// ShowHelp returns a command that opens the ? overlay.
func ShowHelp() tea.Cmd { return func() tea.Msg { return ShowHelpMsg{} } }

// OpenPalette returns a command that opens the : command line.
func OpenPalette() tea.Cmd { return func() tea.Msg { return OpenPaletteMsg{} } }
