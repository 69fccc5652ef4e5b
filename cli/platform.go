package cli

import (
	"log/slog"

	"frontdesk/client"
	"frontdesk/client/frontdesk"
)

// connect is the one place the CLI builds a platform: the frontdesk
// contract's driver on creds, as frontdesk/<version>, via api. Each tune
// adjusts the driver's configuration (a logger, the agent a gateway key
// acts for, fewer retries). It does not call the store.
func connect(creds Credentials, tune ...func(*frontdesk.Config)) (client.Platform, error) {
	cfg := frontdesk.Config{
		BaseURL:   creds.URL,
		KeyID:     creds.KeyID,
		Secret:    creds.Secret,
		Via:       frontdesk.ViaAPI,
		Timeout:   creds.Timeout,
		UserAgent: "frontdesk/" + Version,
	}
	for _, f := range tune {
		f(&cfg)
	}
	p, err := frontdesk.New(cfg)
	if err != nil {
		return nil, err // a nil Platform, not a nil *frontdesk.Client in one
	}
	return p, nil
}

// logTo sends the driver's debug records (secrets redacted) to l; nil
// logs nothing.
func logTo(l *slog.Logger) func(*frontdesk.Config) {
	return func(c *frontdesk.Config) { c.Logger = l }
}

// viaSSH marks the requests as the gateway's, acting for agent ("" for
// the gateway key itself).
func viaSSH(agent string) func(*frontdesk.Config) {
	return func(c *frontdesk.Config) { c.Via, c.Agent = frontdesk.ViaSSH, agent }
}
