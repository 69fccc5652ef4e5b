// Package tui is the console's shell: the navigation stack, header,
// footer, toasts, key map, help overlay, command palette and theme. The
// screens themselves (search, profile, orders, forms) live in package
// screens and plug in through four things:
//
// Common is the per-session context (one per terminal or SSH session,
// nothing package-level): Styles, the shared KeyMap, the content size,
// the Agent (GET /me), the Profile (name or host, production, read-only),
// a Logger, the session Context, Copy (OSC 52, sanitized) and Track (the
// spinner's in-flight count). Screens get a *Common when they are built,
// read it on every Update and View, and never write it; the shell does.
// The store is not in Common: package screens holds the session's
// client.Platform and gives it to its screens.
//
// Screen is one page: Init/Update/View, SetSize, Title (breadcrumbs),
// ShortHelp/FullHelp (its key bindings) and CapturesKeys (true while an
// input or form has focus: then every key but ctrl+c is the screen's,
// including esc, q, : and ?). Keys and mouse events go to the top screen
// only, mouse Y already shifted so row 0 is the screen's first line; all
// other messages go to every screen on the stack, so answers reach a
// screen that is no longer on top — tag messages and ignore others'.
// A screen may also implement Closer (called when it leaves the stack:
// cancel its requests), Cursor() *tea.Cursor (a real terminal cursor,
// in content coordinates; the shell shifts it below the header),
// Refocuser (told when it is on top again: reload what failed), Drafter
// (holds an unsaved draft: ctrl+c asks first) and GlobalKeysHinter (takes
// ? and : as text only sometimes: the footer says how to reach them).
//
// The shell's files, one part each: shell.go (the model and the routing
// of messages), input.go (which part gets a key or a mouse event),
// stack.go (push, pop, quit), header.go, footer.go, statusbar.go (toasts,
// spinner, the ctrl+c question), helpoverlay.go (? and :error),
// palette.go (the : command line), frame.go (composing the frame to the
// terminal's exact size).
//
// Binding is an action as data: keys, help, Dangerous, the policy.Action
// it performs (package policy decides who may, on which profile, with one
// set of sentences) and a Disabled func. FullHelp is the one
// list: when the top screen is not capturing keys, the shell matches the
// key against it and, if the binding is disabled, shows the reason ("your
// role (viewer) cannot edit customers", "read-only profile") in a toast
// and drops the key; ? draws the same list with disabled entries greyed
// and their reasons. In Update, act on a key with c.Fires(msg, binding).
// Take shared bindings from c.Keys (DESIGN.md's default keys, with role
// floors already set) and add conditions with Binding.With. Do not list
// the shell's own keys (esc, q, ctrl+c, :, ?) in FullHelp: the shell adds
// them, and a screen that lists a key receives it instead of the shell.
//
// Messages: screens change the stack with Push, Pop, Replace and ResetTo;
// report with Info, Success, Error, ErrorFrom (toasts that expire on
// their own); wrap every API call in c.Track so the spinner turns (a
// tracked command's answer reaches screens as usual; in a screen's unit
// test, running it gives a DoneMsg whose Msg is the answer); send
// AgentMsg when GET /me answers. Navigation requests — OpenCustomerMsg,
// SearchMsg, SwitchProfileMsg from the : palette, or anything a screen
// wraps with Navigate — go to the Router (Options.Router, provided by
// package screens), which answers with a command, usually Push(screen).
//
// Every string from the API passes through package tui/sanitize before
// it reaches a view. The shell builds the frame (header, content cut to
// exactly its size, footer), so a screen that draws too much cannot break
// the layout; below 60×16 it says the terminal is too small instead.
//
// Starting it (package cli):
//
//	shell, err := tui.New(ctx, tui.Options{
//		Profile:   tui.Profile{Name: "prod", Host: host, Production: true},
//		NoColor:   noColor,
//		Logger:    logger,
//		Root:      func(c *tui.Common) tui.Screen { return screens.NewSearch(c, apiClient) },
//		Router:    screens.Router(apiClient),
//		LoadAgent: apiClient.Me,
//	})
//	p := tea.NewProgram(shell, tea.WithContext(ctx))
//
// With NO_COLOR also pass tea.WithColorProfile(colorprofile.NoTTY) (or
// Ascii): the shell already draws no SGR, the profile covers the rest.
package tui
