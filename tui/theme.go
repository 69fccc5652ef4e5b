package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"

	"frontdesk/api"
	"frontdesk/tui/sanitize"
)

// Colors is the palette the Styles are built from, for screens that need a
// colour of their own (a chart bar, a status dot). With no colour every
// entry is lipgloss.NoColor, which renders nothing.
type Colors struct {
	Text, Muted, Subtle, Accent, Success, Warning, Danger, Info color.Color
	// Inverse is the text colour on a coloured background (markers).
	Inverse color.Color
}

// Styles is the theme of one session. It is a value: the shell rebuilds it
// when the terminal reports its background, and every screen reads it from
// Common on each View, so nothing caches a stale theme.
type Styles struct {
	// IsDark and NoColor say how the Styles were built.
	IsDark, NoColor bool
	Colors          Colors

	// Header line: app name, profile, agent, markers, breadcrumbs.
	Header, HeaderApp, HeaderProfile, HeaderAgent lipgloss.Style
	Production, ReadOnly, Banner                  lipgloss.Style
	Breadcrumb, BreadcrumbCurrent                 lipgloss.Style

	// Footer line: key help, spinner, toasts.
	Footer, HelpKey, HelpDesc, HelpSep, HelpDisabled lipgloss.Style
	ToastInfo, ToastSuccess, ToastError              lipgloss.Style
	Spinner                                          lipgloss.Style

	// Overlays: the ? help and the : palette.
	Overlay, OverlayTitle lipgloss.Style

	// Content, for screens.
	Title, Muted, Strong, Accent, Success, Warning, Error lipgloss.Style
	Label, Value                                          lipgloss.Style
	TableHeader, Selected                                 lipgloss.Style
	Tab, ActiveTab                                        lipgloss.Style
	Border                                                lipgloss.Style

	// SelectedMarker prefixes the selected row, so a selection shows even
	// without colour (NO_COLOR) where Selected renders nothing.
	SelectedMarker string

	// Cells is how this session's terminal counts cells: every view
	// sanitizes, measures, cuts and pads API text with it, so columns line
	// up on the terminal at hand. Per code point (the zero value) until
	// the terminal reports grapheme clustering (mode 2027); the shell
	// switches it, and keeps it when the theme changes.
	Cells sanitize.Cells
}

// NewStyles builds the theme for a dark or light background, or with no
// colour and no text attributes at all when noColor is set (NO_COLOR,
// --no-color): then every style is plain and only layout remains.
func NewStyles(isDark, noColor bool) Styles {
	if noColor {
		return plainStyles(isDark)
	}
	ld := lipgloss.LightDark(isDark)
	c := Colors{
		Text:    ld(lipgloss.Color("#1F1F28"), lipgloss.Color("#E6E6EB")),
		Muted:   ld(lipgloss.Color("#6B6B76"), lipgloss.Color("#9A9AA6")),
		Subtle:  ld(lipgloss.Color("#D8D8E0"), lipgloss.Color("#3A3A46")),
		Accent:  ld(lipgloss.Color("#5A3FD6"), lipgloss.Color("#A58BFF")),
		Success: ld(lipgloss.Color("#1E7F3C"), lipgloss.Color("#5FD38A")),
		Warning: ld(lipgloss.Color("#A35A00"), lipgloss.Color("#FFB454")),
		Danger:  ld(lipgloss.Color("#B3261E"), lipgloss.Color("#FF6B6B")),
		Info:    ld(lipgloss.Color("#0B62A4"), lipgloss.Color("#6CB6FF")),
		Inverse: ld(lipgloss.Color("#FFFFFF"), lipgloss.Color("#101014")),
	}
	base := lipgloss.NewStyle()
	s := Styles{IsDark: isDark, Colors: c, SelectedMarker: "› "}

	s.Header = base.Foreground(c.Text)
	s.HeaderApp = base.Foreground(c.Accent).Bold(true)
	s.HeaderProfile = base.Foreground(c.Text).Bold(true)
	s.HeaderAgent = base.Foreground(c.Muted)
	// Production must be impossible to miss: inverse text on the danger
	// colour, bold.
	s.Production = base.Foreground(lipgloss.Color("#FFFFFF")).Background(ld(lipgloss.Color("#B3261E"), lipgloss.Color("#C62828"))).Bold(true).Padding(0, 1)
	s.ReadOnly = base.Foreground(lipgloss.Color("#101014")).Background(ld(lipgloss.Color("#E0A800"), lipgloss.Color("#FFB454"))).Bold(true).Padding(0, 1)
	// The on-behalf banner is teal, a colour no other state uses (not
	// read-only's amber): acting as a customer must not look like
	// anything else. Same values as screens/session.BannerStyle.
	s.Banner = base.Foreground(ld(lipgloss.Color("#FFFFFF"), lipgloss.Color("#062B2B"))).Background(ld(lipgloss.Color("#00796B"), lipgloss.Color("#4FD1C5"))).Bold(true)
	s.Breadcrumb = base.Foreground(c.Muted)
	s.BreadcrumbCurrent = base.Foreground(c.Text).Bold(true)

	s.Footer = base.Foreground(c.Muted)
	s.HelpKey = base.Foreground(c.Accent).Bold(true)
	s.HelpDesc = base.Foreground(c.Muted)
	s.HelpSep = base.Foreground(c.Subtle)
	s.HelpDisabled = base.Foreground(c.Subtle).Faint(true)
	s.ToastInfo = base.Foreground(c.Info)
	s.ToastSuccess = base.Foreground(c.Success).Bold(true)
	s.ToastError = base.Foreground(c.Danger).Bold(true)
	s.Spinner = base.Foreground(c.Accent)

	s.Overlay = base.Border(lipgloss.RoundedBorder()).BorderForeground(c.Accent).Padding(0, 1)
	s.OverlayTitle = base.Foreground(c.Accent).Bold(true)

	s.Title = base.Foreground(c.Text).Bold(true)
	s.Muted = base.Foreground(c.Muted)
	s.Strong = base.Foreground(c.Text).Bold(true)
	s.Accent = base.Foreground(c.Accent)
	s.Success = base.Foreground(c.Success)
	s.Warning = base.Foreground(c.Warning)
	s.Error = base.Foreground(c.Danger)
	s.Label = base.Foreground(c.Muted)
	s.Value = base.Foreground(c.Text)
	s.TableHeader = base.Foreground(c.Muted).Bold(true)
	s.Selected = base.Foreground(c.Text).Background(c.Subtle).Bold(true)
	s.Tab = base.Foreground(c.Muted).Padding(0, 1)
	s.ActiveTab = base.Foreground(c.Accent).Bold(true).Underline(true).Padding(0, 1)
	s.Border = base.Border(lipgloss.RoundedBorder()).BorderForeground(c.Subtle)
	return s
}

// plainStyles has layout (padding, borders made of plain characters) and
// nothing else: no colour, no bold, no SGR sequence of any kind.
func plainStyles(isDark bool) Styles {
	none := lipgloss.NoColor{}
	base := lipgloss.NewStyle()
	s := Styles{
		IsDark: isDark, NoColor: true,
		Colors:         Colors{Text: none, Muted: none, Subtle: none, Accent: none, Success: none, Warning: none, Danger: none, Info: none, Inverse: none},
		SelectedMarker: "> ",
	}
	for _, p := range []*lipgloss.Style{
		&s.Header, &s.HeaderApp, &s.HeaderProfile, &s.HeaderAgent, &s.Banner,
		&s.Breadcrumb, &s.BreadcrumbCurrent, &s.Footer, &s.HelpKey, &s.HelpDesc,
		&s.HelpSep, &s.HelpDisabled, &s.ToastInfo, &s.ToastSuccess, &s.ToastError,
		&s.Spinner, &s.OverlayTitle, &s.Title, &s.Muted, &s.Strong, &s.Accent,
		&s.Success, &s.Warning, &s.Error, &s.Label, &s.Value, &s.TableHeader,
		&s.Selected,
	} {
		*p = base
	}
	s.Production = base.Padding(0, 1)
	s.ReadOnly = base.Padding(0, 1)
	s.Tab = base.Padding(0, 1)
	// Without underline or colour the active tab is marked by brackets.
	s.ActiveTab = base.Padding(0, 0)
	s.Overlay = base.Border(lipgloss.NormalBorder()).Padding(0, 1)
	s.Border = base.Border(lipgloss.NormalBorder())
	return s
}

// OrderStatus is the style for an order status in tables and details.
func (s Styles) OrderStatus(status string) lipgloss.Style {
	switch status {
	case api.OrderDelivered, api.OrderPaid:
		return s.Success
	case api.OrderShipped, api.OrderProcessing:
		return s.Accent
	case api.OrderPending:
		return s.Warning
	case api.OrderCancelled, api.OrderRefunded:
		return s.Error
	}
	return s.Value
}

// RenderTab renders one tab label, active or not; without colour the
// active one is bracketed so it still shows.
func (s Styles) RenderTab(label string, active bool) string {
	if !active {
		return s.Tab.Render(label)
	}
	if s.NoColor {
		return s.ActiveTab.Render("[" + label + "]")
	}
	return s.ActiveTab.Render(label)
}
