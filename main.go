// Command frontdesk is a terminal customer-support console.
package main

import (
	"context"
	"os"

	"frontdesk/cli"
)

func main() {
	os.Exit(cli.Run(context.Background(), cli.OSEnv(), os.Args[1:]))
}
