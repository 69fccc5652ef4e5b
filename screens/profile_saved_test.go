package screens

import (
	"strings"
	"testing"

	"frontdesk/api"
	"frontdesk/screens/forms"
)

func TestProfileRefreshesWhatFormsSaved(t *testing.T) {
	env := newSandbox(t, 20)
	cust, _ := pickCustomer(t, env.DB)
	p := newTestProfile(t, env, api.RoleAgent, env.URL, cust.id, 120, 40)
	press(t, p, "3")
	entries := len(loyaltyOf(p).pg.page.Items)

	// The adjustment happens on the server, then the form says so.
	var res api.AdjustmentResult
	env.Do(t, "supervisor", "POST", "/customers/"+string(cust.id)+"/loyalty/adjustments",
		api.AdjustmentRequest{Points: 50, Reason: api.ReasonGoodwill, Note: "late delivery"},
		api.HeaderIdempotencyKey, "test-key-1").Data(t, &res)
	_, cmd := p.Update(forms.LoyaltyAdjustedMsg{CustomerID: cust.id, Result: res})
	if loyaltyOf(p).balance.PointsBalance != res.PointsBalance {
		t.Fatalf("balance %d right after the adjustment, want %d", loyaltyOf(p).balance.PointsBalance, res.PointsBalance)
	}
	settle(t, p, cmd)
	if len(loyaltyOf(p).pg.page.Items) != entries+1 || loyaltyOf(p).pg.page.Items[0].Note != "late delivery" {
		t.Fatalf("ledger has %d entries (newest %+v), want %d with the adjustment", len(loyaltyOf(p).pg.page.Items), loyaltyOf(p).pg.page.Items[0], entries+1)
	}
	if v := p.View(); !strings.Contains(v, "late delivery") || !strings.Contains(v, "+50") {
		t.Fatalf("the loyalty tab does not show the adjustment:\n%s", v)
	}

	// An adjustment of another customer changes nothing here.
	before := loyaltyOf(p).balL.seq
	p.Update(forms.LoyaltyAdjustedMsg{CustomerID: "999999", Result: api.AdjustmentResult{PointsBalance: 1}})
	if loyaltyOf(p).balL.seq != before || loyaltyOf(p).balance.PointsBalance == 1 {
		t.Fatal("another customer's adjustment touched this profile")
	}

	press(t, p, "4")
	var note api.NoteEnvelope
	env.Do(t, "agent", "POST", "/customers/"+string(cust.id)+"/notes", api.NoteCreate{Body: "Called about the parcel"}).Data(t, &note)
	_, cmd = p.Update(forms.NoteAddedMsg{Note: note.Note})
	settle(t, p, cmd)
	if v := p.View(); !strings.Contains(v, "Called about the parcel") {
		t.Fatalf("the notes tab does not show the new note:\n%s", v)
	}

	press(t, p, "1")
	var saved api.CustomerEnvelope
	first := "Renamed"
	env.Do(t, "supervisor", "PATCH", "/customers/"+string(cust.id), api.CustomerPatch{FirstName: &first},
		api.HeaderIfMatch, `"`+itoa(int(p.cust.Version))+`"`).Data(t, &saved)
	_, cmd = p.Update(forms.CustomerSavedMsg{Customer: saved.Customer})
	if !strings.HasPrefix(p.Title(), "Renamed ") {
		t.Fatalf("title %q after the save", p.Title())
	}
	settle(t, p, cmd)
	if v := p.View(); !strings.Contains(v, "Renamed") || !strings.Contains(v, "Store metrics") {
		t.Fatalf("the overview does not show the saved customer:\n%s", v)
	}
}
