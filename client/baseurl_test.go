package client

import (
	"strings"
	"testing"
)

func TestParseBaseURL(t *testing.T) {
	u, err := ParseBaseURL("store URL", "https://shop.example", " https://shop.example/shop/ ")
	if err != nil || u.String() != "https://shop.example/shop" {
		t.Fatalf("%v %v", u, err)
	}
	if got := WithBase(u, "/api/v1"); got != "https://shop.example/shop/api/v1" {
		t.Errorf("WithBase: %s", got)
	}
	u, _ = ParseBaseURL("store URL", "https://shop.example", "https://shop.example/api/v1/")
	if got := WithBase(u, "/api/v1"); got != "https://shop.example/api/v1" {
		t.Errorf("WithBase twice: %s", got)
	}
	for raw, want := range map[string]string{
		"":                               "no store URL",
		"ftp://shop.example":             "must start with http",
		"https://":                       "has no host",
		"https://ck_1:cs_2@shop.example": "must not carry credentials",
		"https://shop.example/?k=v":      "must not have a query",
		"https://shop.example/#x":        "must not have a query",
		"http://[::1":                    "is not a URL",
	} {
		_, err := ParseBaseURL("store URL", "https://shop.example", raw)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", raw, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "cs_2") {
			t.Errorf("%q: the error shows the secret: %v", raw, err)
		}
	}
}
