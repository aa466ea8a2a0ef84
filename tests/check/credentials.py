"""Names a recording may carry credentials under: what redaction must recognise, and the fuzzer draws."""

CREDENTIAL_NAMES = [
    # query and OAuth names
    "api_key",
    "apikey",
    "key",
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "password",
    "sig",
    "signature",
    # AWS pre-signed URLs
    "X-Amz-Signature",
    "X-Amz-Credential",
    "X-Amz-Security-Token",
    # headers
    "Authorization",
    "Proxy-Authorization",
    "x-api-key",
    "X-Auth-Token",
    "Cookie",
    # case, punctuation, percent-encoding, array and map forms
    "ACCESS_TOKEN",
    "Access-Token",
    "accessToken",
    "access%5Ftoken",
    "api_key[]",
    "token[0]",
    "user[password]",
    "session_id",
    "privateKey",
    "auth",
]
