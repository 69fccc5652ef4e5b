package tybrite

import (
	"fmt"
	"strconv"
	"strings"

	"frontdesk/api"
)

// Galactic Core ids are uuids; the sandbox's are integers. The dialect
// maps them reversibly, and so that a customer's uuid and an order's can
// never be taken for each other:
//
//	customer 42           00000000-0000-4000-8000-00000000002a
//	order 7 of customer 42 0000002a-0000-4000-9000-000000000007
//
// (version 4, variant 8 for customers and 9 for orders). An order's uuid
// carries its customer, because GET /v1/orders/{id} names the order
// alone while the sandbox keeps orders per customer.

// CustomerUUID is the uuid of sandbox customer id (its digits).
func CustomerUUID(id api.ID) (string, bool) {
	n, err := strconv.ParseUint(string(id), 10, 64)
	if err != nil || n >= 1<<48 {
		return "", false
	}
	return fmt.Sprintf("00000000-0000-4000-8000-%012x", n), true
}

// OrderUUID is the uuid of sandbox order orderID of customer customerID.
func OrderUUID(customerID, orderID api.ID) (string, bool) {
	c, err1 := strconv.ParseUint(string(customerID), 10, 64)
	o, err2 := strconv.ParseUint(string(orderID), 10, 64)
	if err1 != nil || err2 != nil || c >= 1<<32 || o >= 1<<48 {
		return "", false
	}
	return fmt.Sprintf("%08x-0000-4000-9000-%012x", c, o), true
}

// CustomerID is the sandbox id of a customer uuid; ok is false for any
// text CustomerUUID does not make.
func CustomerID(uuid string) (api.ID, bool) {
	uuid = strings.ToLower(uuid)
	rest, ok := strings.CutPrefix(uuid, "00000000-0000-4000-8000-")
	if !ok || len(rest) != 12 {
		return "", false
	}
	n, err := strconv.ParseUint(rest, 16, 64)
	if err != nil {
		return "", false
	}
	return api.ID(strconv.FormatUint(n, 10)), true
}

// OrderID is the sandbox customer and order ids of an order uuid.
func OrderID(uuid string) (customerID, orderID api.ID, ok bool) {
	uuid = strings.ToLower(uuid)
	if len(uuid) != 36 || uuid[8:24] != "-0000-4000-9000-" {
		return "", "", false
	}
	c, err1 := strconv.ParseUint(uuid[:8], 16, 64)
	o, err2 := strconv.ParseUint(uuid[24:], 16, 64)
	if err1 != nil || err2 != nil {
		return "", "", false
	}
	return api.ID(strconv.FormatUint(c, 10)), api.ID(strconv.FormatUint(o, 10)), true
}

// isUUID reports whether s has the 8-4-4-4-12 hex form of a uuid (the
// schema's `format: uuid`).
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}
