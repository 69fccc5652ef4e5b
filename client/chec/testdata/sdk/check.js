// Runs Chec's own SDK, @chec/commerce.js, against a Chec API at CHEC_URL
// (frontdesk's sandbox dialect in client/chec/sdk_test.go) and prints what
// it answered as one JSON object.
//
// The SDK's customer feature (customer.about, getOrders, update) sends a
// customer's JWT as `Authorization: Bearer` with `X-Authorization:
// undefined`, which Node will not send; a merchant's secret-key calls go
// through the SDK's own request() with allowSecretKey, which sends
// X-Authorization and X-Chec-Agent as the SDK always does.
'use strict';

// The SDK is written for browsers: its customer feature keeps the
// customer's id and token in window.localStorage. Node has no window, so
// the script gives it an empty in-memory one.
if (typeof globalThis.window === 'undefined') {
  const mem = new Map();
  globalThis.window = {
    localStorage: {
      getItem: (k) => (mem.has(k) ? mem.get(k) : null),
      setItem: (k, v) => mem.set(k, String(v)),
      removeItem: (k) => mem.delete(k),
    },
    dispatchEvent: () => true,
  };
}

const mod = require('@chec/commerce.js');
const Commerce = mod.default || mod;

async function main() {
  const url = process.env.CHEC_URL;
  const secret = process.env.CHEC_SECRET;
  const query = process.env.CHEC_QUERY;
  const commerce = new Commerce(secret, false, { url, allowSecretKey: true, disableStorage: true });
  const out = {};

  // A public key is refused for a secret key's work by the SDK itself.
  try {
    new Commerce(secret, false, { url });
    out.secretWithoutAllow = 'accepted';
  } catch (e) {
    out.secretWithoutAllow = 'refused';
  }

  out.list = await commerce.request('customers', 'get', { query, limit: 5, page: 1 });
  const id = out.list.data[0].id;
  out.customer = await commerce.request(`customers/${id}`);
  out.orders = await commerce.request(`customers/${id}/orders`, 'get', { limit: 2, page: 1, sortBy: 'created_at', sortDirection: 'desc' });
  out.order = await commerce.request(`customers/${id}/orders/${out.orders.data[0].id}`);
  out.updated = await commerce.request(`customers/${id}`, 'PUT', { firstname: 'Commerce', lastname: 'Sdk' });

  // Errors: the SDK rejects with {statusCode, data} where data is Chec's
  // error body.
  const failure = async (p) => {
    try {
      await p;
      return null;
    } catch (e) {
      return { statusCode: e.statusCode || 0, data: e.data || null, message: String((e && e.message) || e) };
    }
  };
  out.notFound = await failure(commerce.request('customers/cstmr_K1YDR2qy29Qem6'));
  out.invalid = await failure(commerce.request(`customers/${id}`, 'PUT', { email: 'not an email' }));
  // The customer feature sends `X-Authorization: undefined` with a
  // customer's token; Node refuses such a header (browsers send the word).
  out.customerToken = await failure(commerce.customer.about(id, 'not-a-jwt'));

  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(String((e && e.stack) || e) + '\n');
  process.exit(1);
});
