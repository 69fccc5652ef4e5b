package tybrite

import "frontdesk/client"

// capSearch is client.CapSearch ("search"), which lands on main with the
// search seam; until then the driver names it itself.
const capSearch = client.Capability("search")
