package cli

import (
	"context"
	"errors"
)

// runConsole opens the console; it lands with the console issue.
func (a *App) runConsole(context.Context) error {
	return errors.New("the console is not built yet: run `frontdesk --help` for the commands")
}
