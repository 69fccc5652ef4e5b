package api

import "time"

// Presence: which agents have a customer's profile open right now (the
// console's collision notice). A console that shows a profile sends a
// heartbeat (PUT /customers/{id}/presence) every PresenceHeartbeat while
// it is open, and DELETE when it closes; an agent whose heartbeats stop
// drops out after PresenceTTL. Every answer lists the other agents, so
// the heartbeat is also the poll.

// PresenceTTL is how long one heartbeat keeps an agent present.
const PresenceTTL = 20 * time.Second

// PresenceHeartbeat is how often a console with the profile open sends
// one: well inside PresenceTTL, so lost heartbeats do not drop it, and
// often enough that an agent who opens the customer shows in the other
// consoles within 5 seconds (the answer of the next heartbeat names them).
const PresenceHeartbeat = 3 * time.Second

// PresenceUpdate is the body of PUT /customers/{id}/presence.
type PresenceUpdate struct {
	// Editing says the agent has the profile's edit form open.
	Editing bool `json:"editing"`
}

// Viewer is another agent with the customer open.
type Viewer struct {
	AgentID string `json:"agent_id"`
	Name    string `json:"name"`
	// Since is when this agent opened the customer (their first
	// heartbeat after none was live).
	Since time.Time `json:"since"`
	// Editing is true while their edit form is open.
	Editing bool `json:"editing"`
	// Via is where they are: api (a console on the API) or ssh (a
	// console through a gateway).
	Via string `json:"via"`
}

// Presence is the answer of GET and PUT /customers/{id}/presence: the
// agents other than the caller who have the customer open, earliest
// first, and how long the caller's own heartbeat lasts.
type Presence struct {
	CustomerID ID       `json:"customer_id"`
	Viewers    []Viewer `json:"viewers"`
	// TTLSeconds is how long a heartbeat keeps an agent present.
	TTLSeconds int `json:"ttl_seconds"`
}
