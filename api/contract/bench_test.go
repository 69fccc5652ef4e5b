package contract_test

import (
	"slices"
	"testing"

	"frontdesk/api"
	"frontdesk/api/contract"
)

// BenchmarkValidateResponse measures what the validator adds to each
// response in the test suite.
func BenchmarkValidateResponse(b *testing.B) {
	v, err := newBenchValidator()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name, path string
		body       []byte
	}{
		{"customer", "/api/v1/customers/42", success(b, api.CustomerEnvelope{Customer: fullCustomer()})},
		{"list100", "/api/v1/customers?limit=100", success(b, api.CustomerList{Customers: slices.Repeat([]api.Customer{bareCustomer()}, 100), Total: 100, Page: 1, Limit: 100})},
		{"error", "/api/v1/customers/999", failure(b, api.ErrorBody{Code: api.CodeNotFound, Message: "customer 999 not found"})},
	} {
		status := 200
		if c.name == "error" {
			status = 404
		}
		h := hdr("ETag", `"3"`)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.body)))
			for b.Loop() {
				if err := v.ValidateResponse("GET", c.path, status, h, c.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func newBenchValidator() (*contract.Validator, error) { return contract.New() }

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := contract.New(); err != nil {
			b.Fatal(err)
		}
	}
}
