// Command frontdesk is a terminal customer-support console.
package main

import (
	"context"
	"os"

	"frontdesk/cli"
)

func main() {
	os.Exit(cli.Main(context.Background(), cli.OSEnv(), os.Args[1:]))
}
