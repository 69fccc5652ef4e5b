package cli

import (
	"context"

	"charm.land/fang/v2"
)

// Main runs the command tree for the frontdesk binary itself: like Run, but
// through fang, which styles help and errors for a terminal (and prints
// them plainly when stderr is not one, or NO_COLOR is set). The SSH gateway
// and tests use Run, because fang writes to the process's own streams.
func Main(ctx context.Context, env Env, args []string) int {
	root := NewRoot(env)
	root.SetArgs(args)
	err := fang.Execute(ctx, root,
		fang.WithVersion(Version),
		fang.WithoutCompletions(),
	)
	return ExitCode(err)
}
