// Package forms holds the console's huh v2 forms: edit profile, loyalty
// adjustment, new customer and note. Each is a tui.Screen that the
// profile and search screens push; it saves through the Client interface
// in a tracked tea.Cmd, reports the result with a message of this package
// (CustomerSavedMsg, LoyaltyAdjustedMsg, NoteAddedMsg,
// CustomerCreatedMsg) and pops itself.
//
// The draft survives every failed save: the form stays open with the
// values typed, the error sits on the field the server named (or on an
// error line saying what to do), and ctrl+s tries again.
package forms
