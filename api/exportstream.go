package api

// The customer export stream (GET /customers/export) answers
// application/x-ndjson: one customer per line, as GET /customers lists
// them, then one last line that is either ExportEnd (every matching
// customer was sent) or ExportError (the export stopped there). A stream
// without either was cut off: the client must treat it as failed.
const (
	// ContentTypeNDJSON is the stream's Content-Type.
	ContentTypeNDJSON = "application/x-ndjson"
	// ExportEndPrefix starts the stream's last line when it is complete:
	// {"_end":{"count":N}}.
	ExportEndPrefix = `{"_end":`
	// ExportErrorPrefix starts the stream's last line when it failed after
	// its first customer: {"_error":{"code":…,"message":…}}.
	ExportErrorPrefix = `{"_error":`
)

// ExportTrailer is the last line of an export stream: End when complete,
// Error when not.
type ExportTrailer struct {
	End   *ExportEnd `json:"_end,omitempty"`
	Error *ErrorBody `json:"_error,omitempty"`
}

// ExportEnd closes a complete stream: Count customers were sent.
type ExportEnd struct {
	Count int `json:"count"`
}
