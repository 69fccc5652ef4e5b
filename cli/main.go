package cli

import (
	"context"
	"io"

	"charm.land/fang/v2"
)

// Main runs the command tree for the frontdesk binary itself: like Run, but
// through fang, which styles the help for a terminal. Errors stay plain
// "Error: …" lines, exactly as Run prints them, so scripts and people can
// grep them whatever the terminal. The SSH gateway and tests use Run,
// because fang writes to the process's own streams. The completion and
// man commands are the tree's own (NewRoot), so fang adds neither.
func Main(ctx context.Context, env Env, args []string) int {
	root := NewRoot(env)
	root.SetArgs(args)
	err := fang.Execute(ctx, root,
		fang.WithVersion(Version),
		fang.WithoutManpage(),
		fang.WithErrorHandler(func(w io.Writer, _ fang.Styles, err error) { printError(w, err) }),
	)
	return ExitCode(err)
}
