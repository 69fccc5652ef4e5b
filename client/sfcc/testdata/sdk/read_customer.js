// Reads one customer and its orders with the vendor's OCAPI client
// (commercecloud-ocapi-client 0.2.0, generated from the Shop API 20.4
// swagger) against an OCAPI instance: the sfcc dialect in
// client/sfcc/sdk_test.go.
//
// Environment: SFCC_URL (the instance), SFCC_SITE, SFCC_AUTH_URL,
// SFCC_CLIENT_ID, SFCC_CLIENT_SECRET, SFCC_CUSTOMER_ID.
// Prints one JSON line: {customer, orders, fault?}. Exits 1 on a failure
// the SDK reports, with the fault it decoded on stderr.
'use strict'

const ShopApi = require('commercecloud-ocapi-client')

const env = (name) => {
    const v = process.env[name]
    if (!v) {
        console.error(`set ${name}`)
        process.exit(2)
    }
    return v
}

async function accessToken() {
    // The OAuth client-credentials grant of the swagger's
    // securityDefinitions.oauth2_application (the SDK leaves getting the
    // token to its caller).
    const basic = Buffer.from(`${env('SFCC_CLIENT_ID')}:${env('SFCC_CLIENT_SECRET')}`).toString('base64')
    const res = await fetch(env('SFCC_AUTH_URL'), {
        method: 'POST',
        headers: {Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded'},
        body: 'grant_type=client_credentials'
    })
    if (!res.ok) {
        throw new Error(`token endpoint answered ${res.status}`)
    }
    return (await res.json()).access_token
}

async function main() {
    const client = new ShopApi.ApiClient({
        basePath: `${env('SFCC_URL')}/s/${env('SFCC_SITE')}/dw/shop/v20_4`,
        defaultHeaders: {'x-dw-client-id': env('SFCC_CLIENT_ID')},
        oauth2AccessToken: await accessToken()
    })
    const customers = new ShopApi.CustomersApi(client)
    const id = env('SFCC_CUSTOMER_ID')
    const customer = await customers.getCustomersByID(id)
    const orders = await customers.getCustomersByIDOrders(id, {start: 0, count: 2})
    let fault = null
    try {
        await customers.getCustomersByID('ab0000000000000000000zzzzz')
    } catch (err) {
        // The SDK rejects with its Fault model, built from the answer's
        // "fault" member (src/ApiClient.js sendApiRequest).
        fault = {type: err.type, message: err.message, isFault: err instanceof ShopApi.Fault}
    }
    process.stdout.write(JSON.stringify({customer, orders, fault}) + '\n')
}

main().catch((err) => {
    console.error((err && err.response && JSON.stringify(err.response.body)) || String(err))
    process.exit(1)
})
