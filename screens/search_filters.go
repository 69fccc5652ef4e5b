package screens

import (
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"frontdesk/api"
	"frontdesk/client"
	"frontdesk/tui"
	"frontdesk/tui/sanitize"
)

// Field filters and saved views on the search screen.
//
// The box completes a filter's name: a last word that starts one
// ("ord") shows the rest as a suggestion, and tab takes it ("orders:").
// A filter the store refuses (a bad one, a 400; or a platform without
// filters) is said in red under the box, in place of the status line,
// and the list of the text before stays. Saved views (Config.Views, the
// config file's [[views]]) are listed under the status line; 1–9 in the
// results, or alt+1–9 anywhere on the screen, put a view's query and
// sort in the box and search it.

// View is a saved search: its name, the query (with filters) and the
// sort (one of api.Sorts; "" is the default).
type View struct {
	Name, Query, Sort string
}

// filtersOn reports whether the platform's search takes field filters:
// only then does the box complete them.
func (s *Search) filtersOn() bool { return s.env.caps().Has(client.CapSearchFilters) }

// suggest offers the filter names the box's last word starts, as
// completions of the whole text (textinput completes the whole value).
func (s *Search) suggest() {
	if !s.filtersOn() {
		return
	}
	v := s.input.Value()
	i := strings.LastIndexAny(v, " \t") + 1
	word := strings.ToLower(v[i:])
	var sug []string
	if word != "" && !strings.Contains(word, ":") && s.input.Position() == len([]rune(v)) {
		for _, f := range api.SearchFilters {
			if strings.HasPrefix(f.Name, word) && f.Name != word {
				sug = append(sug, v[:i]+f.Name+":")
			}
		}
	}
	s.input.SetSuggestions(sug)
}

// completion is the filter tab would complete, if any.
func (s *Search) completion() (api.SearchFilter, bool) {
	m := s.input.MatchedSuggestions()
	if !s.filtersOn() || len(m) == 0 {
		return api.SearchFilter{}, false
	}
	sug := m[min(s.input.CurrentSuggestionIndex(), len(m)-1)]
	if len(sug) <= len(s.input.Value()) {
		return api.SearchFilter{}, false
	}
	i := strings.LastIndexAny(sug, " \t") + 1
	name := strings.TrimSuffix(sug[i:], ":")
	k := slices.IndexFunc(api.SearchFilters, func(f api.SearchFilter) bool { return f.Name == name })
	if k < 0 {
		return api.SearchFilter{}, false
	}
	return api.SearchFilters[k], true
}

// tab completes a filter's name when the box offers one, and otherwise
// moves to the results, as ↓ does.
func (s *Search) tab() tea.Cmd {
	if _, ok := s.completion(); ok {
		return s.typed(tea.KeyPressMsg{Code: tea.KeyTab})
	}
	return s.toResults()
}

// filterRefusal is the sentence of an answer that refuses the query's
// filters (a bad filter, or a platform whose search has none), or "".
func filterRefusal(err error) string {
	ae, ok := client.AsAPIError(err)
	if !ok {
		return ""
	}
	switch ae.Kind() {
	case client.KindUnsupported:
		if ae.Capability == client.CapSearchFilters {
			return ae.Message
		}
	case client.KindInvalid:
		if m := ae.Fields["search"]; m != "" {
			return m
		}
		for _, f := range api.SearchFilters {
			if m := ae.Fields[f.Param]; m != "" {
				return m
			}
		}
	}
	return ""
}

// refused shows a refusal of the current text's filters under the box;
// the list before stays.
func (s *Search) refused(key searchKey, why string) {
	s.filterErr, s.filterErrKey = sanitize.Line(why), key
	s.opening = false
}

// filterErrShown is the refusal that answers the box's text now, or "".
func (s *Search) filterErrShown() string {
	if s.filterErr != "" && s.filterErrKey == s.currentKey() {
		return s.filterErr
	}
	return ""
}

// headLines is how many lines are above the table: the box, the status
// line, the views (when there are any) and the column titles.
func (s *Search) headLines() int {
	if len(s.env.views) > 0 {
		return searchHeadLines + 1
	}
	return searchHeadLines
}

// viewsLine lists the saved views with their keys.
func (s *Search) viewsLine() string {
	st := s.c.Styles
	var b strings.Builder
	b.WriteString("Views:")
	for i, v := range s.env.views {
		b.WriteString("  " + strconv.Itoa(i+1) + " " + sanitize.Line(v.Name))
	}
	keys := "  (1–9 in the list, alt+1–9 in the box)"
	if !s.inBox {
		keys = "  (1–9)"
	}
	return st.Muted.Render(st.Cells.Truncate(b.String()+keys, s.width))
}

// viewKeys are the bindings of the saved views: digits in the results,
// alt+digits in the box; one of each shows in help.
func (s *Search) viewKeys(alt bool) []Binding {
	var out []Binding
	for i := range s.env.views {
		k := strconv.Itoa(i + 1)
		b := Binding{Keys: []string{k}, Help: "saved view", HelpKey: "1–" + strconv.Itoa(len(s.env.views)), Hidden: i > 0}
		if alt {
			b.Keys = []string{"alt+" + k}
			b.HelpKey = "alt+" + b.HelpKey
		}
		out = append(out, b.Do(s.openView(i)))
	}
	return out
}

// openView puts view i's query and sort in the box and searches them
// from the first page.
func (s *Search) openView(i int) func() tea.Cmd {
	return func() tea.Cmd {
		v := s.env.views[i]
		s.input.SetValue(v.Query)
		s.input.CursorEnd()
		s.suggest()
		if k := slices.Index(api.Sorts, v.Sort); k >= 0 {
			s.sort = k
		} else {
			s.sort = 0
		}
		s.page = 1
		s.opening = false
		return tea.Batch(s.sync(), tui.Info("view "+sanitize.Line(v.Name)))
	}
}
