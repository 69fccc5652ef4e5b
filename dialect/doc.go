// Package dialect holds the sandbox's dialects: the same storage
// (store.Store, the SQLite sandbox) answering in another platform's wire
// format and auth, so that each platform's driver is tested against a real
// HTTP server. One subpackage per platform; `frontdesk sandbox serve
// --dialect NAME` serves one. A dialect reads through the storage
// interface only: it imports api and store, never the desk's server,
// a client driver or the console.
package dialect
