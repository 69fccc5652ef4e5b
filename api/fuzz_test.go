package api

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzDecodeError decodes arbitrary bytes as an error envelope, the way
// the client reads every non-2xx answer: it must never panic, and what
// decodes must survive a round trip unchanged (so the client can log and
// re-send what it got). The checked-in corpus is in
// testdata/fuzz/FuzzDecodeError.
func FuzzDecodeError(f *testing.F) {
	f.Add([]byte(`{"status":"error","error":{"code":"not_found","message":"customer 999 not found"}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var env Envelope
		if err := json.Unmarshal(in, &env); err == nil {
			out, err := json.Marshal(env)
			if err != nil {
				t.Fatalf("re-encode %+v: %v", env, err)
			}
			var back Envelope
			if err := json.Unmarshal(out, &back); err != nil {
				t.Fatalf("decode own output %s: %v", out, err)
			}
			if env.Error != nil && len(env.Error.Fields) == 0 {
				env.Error.Fields = nil // "fields":{} is left out on the way back (omitempty)
			}
			if !reflect.DeepEqual(env.Error, back.Error) || env.Status != back.Status {
				t.Fatalf("round trip changed the envelope:\n in  %+v\n out %+v", env, back)
			}
		}
		var eb ErrorBody
		if err := json.Unmarshal(in, &eb); err == nil {
			_ = eb.Code + eb.Message
			for k, v := range eb.Fields {
				_ = k + v
			}
			if eb.CurrentVersion != nil {
				_ = *eb.CurrentVersion + 1
			}
		}
	})
}
