package client

import (
	"context"
	"frontdesk/api"
	"strings"
	"testing"
)

func TestLacking(t *testing.T) {
	l := Lacking{Caps: All().Without("this store keeps no notes", CapNotes)}
	ctx := context.Background()
	_, err := l.AddNote(ctx, "1", "x")
	if KindOf(err) != KindUnsupported || !strings.Contains(err.Error(), "this store keeps no notes") {
		t.Fatalf("a missing capability: %v", err)
	}
	// Claimed but not implemented: said to be the driver's bug, never nil.
	_, err = l.GetOrder(ctx, "1", "2")
	if KindOf(err) != KindUnsupported || !strings.Contains(err.Error(), "driver bug") {
		t.Fatalf("a claimed capability the driver left to Lacking: %v", err)
	}
	// Without loyalty there is no adjusting either, with the same sentence.
	l = Lacking{Caps: All().Without("no points here", CapLoyalty)}
	if _, _, err := l.AdjustLoyalty(ctx, "1", api.AdjustmentRequest{}, ""); !strings.Contains(err.Error(), "no points here") {
		t.Fatalf("adjust without loyalty: %v", err)
	}
}
