package sfcc

import (
	"fmt"
	"strconv"
	"strings"

	"frontdesk/api"
)

// The sandbox's ids are integers rendered as digits. OCAPI has two ids
// for a registered customer (schema ocapi-shop-20_4.swagger.json,
// definitions.customer): customer_id, a string of at most 28 characters
// that every Shop API path takes, and customer_no, the customer number
// of at most 100 characters that the Data API uses. The dialect encodes
// the sandbox's id into both, reversibly:
//
//	customer_id  "ab" + the id in base 36, zero-padded to 26 characters
//	customer_no  the id zero-padded to 8 digits ("00000042")
//	order_no     the order's id zero-padded to 8 digits, "-", the customer's id ("00000356-101")
//
// order_no carries the customer because the Shop API reads an order by
// its number alone (GET /orders/{order_no}) and the sandbox's storage
// finds an order only with its customer.

const customerIDPrefix = "ab"

// CustomerID is the customer_id of sandbox customer id.
func CustomerID(id api.ID) string {
	n, err := strconv.ParseInt(string(id), 10, 64)
	if err != nil || n < 0 {
		return string(id)
	}
	s := strconv.FormatInt(n, 36)
	return customerIDPrefix + strings.Repeat("0", max(0, 24-len(s))) + s
}

// CustomerNo is the customer_no of sandbox customer id.
func CustomerNo(id api.ID) string {
	n, err := strconv.ParseInt(string(id), 10, 64)
	if err != nil || n < 0 {
		return string(id)
	}
	return fmt.Sprintf("%08d", n)
}

// OrderNo is the order_no of the sandbox's order orderID of customer id.
func OrderNo(customer, order api.ID) string {
	n, err := strconv.ParseInt(string(order), 10, 64)
	if err != nil || n < 0 {
		return string(order) + "-" + string(customer)
	}
	return fmt.Sprintf("%08d", n) + "-" + string(customer)
}

// sandboxID reads a customer_id back; ok is false for text no
// customer_id of this dialect has.
func sandboxID(customerID string) (api.ID, bool) {
	rest, ok := strings.CutPrefix(customerID, customerIDPrefix)
	if !ok || len(rest) != 24 {
		return "", false
	}
	n, err := strconv.ParseInt(rest, 36, 64)
	if err != nil || n < 0 {
		return "", false
	}
	return api.ID(strconv.FormatInt(n, 10)), true
}

// sandboxNo reads a customer_no back.
func sandboxNo(customerNo string) (api.ID, bool) {
	if customerNo == "" || strings.Trim(customerNo, "0123456789") != "" || len(customerNo) > 18 {
		return "", false
	}
	n, err := strconv.ParseInt(customerNo, 10, 64)
	if err != nil {
		return "", false
	}
	return api.ID(strconv.FormatInt(n, 10)), true
}

// sandboxOrder reads an order_no back into the sandbox's customer and
// order ids.
func sandboxOrder(orderNo string) (customer, order api.ID, ok bool) {
	o, c, found := strings.Cut(orderNo, "-")
	if !found {
		return "", "", false
	}
	oid, ok1 := sandboxNo(o)
	cid, ok2 := sandboxNo(c)
	return cid, oid, ok1 && ok2
}
