package tui

import (
	tea "charm.land/bubbletea/v2"
)

// Screen is one page of the console: search, a customer's profile, an
// order, a form. The shell keeps them on a stack and draws the top one
// between its header and footer.
//
// Implement it on a pointer type (SetSize changes the screen in place) and
// return the same pointer from Update.
type Screen interface {
	// Init starts the screen's first work (a load), as a command: never
	// call the API from Init directly.
	Init() tea.Cmd
	// Update handles a message. Keys and mouse events reach only the top
	// screen; every other message reaches every screen on the stack, so a
	// screen below the top still gets its answers — tag them (customer
	// ID, request sequence) and ignore what is not yours.
	Update(msg tea.Msg) (Screen, tea.Cmd)
	// View draws the screen in exactly the size of the last SetSize.
	// Every string that came from the API goes through package sanitize,
	// measured, cut and padded with the session's Styles.Cells (so columns
	// line up on the terminal at hand).
	View() string
	// SetSize tells the screen the size of the content area.
	SetSize(width, height int)
	// Title names the screen in the header's breadcrumbs ("Search",
	// "Wanjiru Kamau", "Order #1042"). It is sanitized by the shell.
	Title() string
	// ShortHelp is the footer's key help: a few bindings.
	ShortHelp() []Binding
	// FullHelp is every binding of the screen, in groups (columns of the
	// ? overlay). It is the screen's one list: the shell refuses a key
	// whose binding here is disabled, showing the reason, before the
	// screen sees it.
	FullHelp() [][]Binding
	// CapturesKeys reports whether the screen is taking text (a focused
	// input, an open form). Then every key but ctrl+c goes to the screen:
	// q, esc, :, ? and the screen's letters are its to interpret, and
	// the screen decides what esc does (blur, ask before discarding).
	CapturesKeys() bool
}

// Closer is implemented by screens that hold something to release when
// they leave the stack (in-flight requests to cancel). The shell calls
// Close when the screen is popped or replaced.
type Closer interface {
	Close()
}

// Refocuser is implemented by screens that want to know when they are on
// top again (the screen above them was popped): a screen showing an error
// from an earlier load reloads then, since the store may be back.
type Refocuser interface {
	Refocus() tea.Cmd
}

// GlobalKeysHinter is implemented by screens that capture keys but let
// the shell's ? and : through in some states (the search box, while
// empty). The footer advertises ? and : only while GlobalKeysLive is true,
// and otherwise says how to reach them.
type GlobalKeysHinter interface {
	GlobalKeysLive() bool
}

// Drafter is implemented by screens that can hold unsaved input: a
// form's draft, the first-run screen's key. While any screen on the stack
// reports Dirty, ctrl+c does not quit at once: the footer says that a
// second ctrl+c quits and discards the draft, and any other key goes back
// to it. esc stays the screen's own (forms ask before discarding).
type Drafter interface {
	Dirty() bool
}

// Router turns a navigation request into a command: OpenCustomerMsg,
// SearchMsg, SwitchProfileMsg (from the palette or any screen), or a
// message type of the screens' own. It usually answers Push(screen), but
// may answer ResetTo (a new search from deep in the stack), an error
// toast, or anything else. ok is false when it does not know the message;
// the shell then says so in an error toast. Package screens provides it.
type Router func(c *Common, msg tea.Msg) (cmd tea.Cmd, ok bool)
