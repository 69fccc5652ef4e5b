package cli

// exitCodeForAPI maps API errors to exit codes; it lands with the client.
func exitCodeForAPI(error) (int, bool) { return 0, false }
