/**
 * A self-signed certificate for IP 127.0.0.1, valid from 2000 to 2126, and its key: for stand-in
 * TLS servers only. Trusted where a test passes it as a CA (Dispatchers' trust seam), untrusted
 * everywhere else. Made with openssl 3.0: `req -new -newkey ec` (prime256v1, CN=127.0.0.1),
 * then `ca -selfsign -startdate 20000101000000Z -enddate 21260101000000Z` with the extensions
 * basicConstraints=critical,CA:TRUE and subjectAltName=IP:127.0.0.1.
 */
export const TEST_CA = [
  "-----BEGIN CERTIFICATE-----",
  "MIIBXTCCAQKgAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAkxMjcuMC4w",
  "LjEwIBcNMDAwMTAxMDAwMDAwWhgPMjEyNjAxMDEwMDAwMDBaMBQxEjAQBgNVBAMM",
  "CTEyNy4wLjAuMTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABMhRMLY4N862WtuM",
  "qkAvjKYcG95Mx4kQmVgZErYNOs/cB6dhuH7RF0TpjaazgzNGvOAdIp60dbaDJsOd",
  "JJTQZKSjQzBBMA8GA1UdEwEB/wQFMAMBAf8wDwYDVR0RBAgwBocEfwAAATAdBgNV",
  "HQ4EFgQUCgdG6pbG3uxwmRmFN4UQp3/uKmowCgYIKoZIzj0EAwIDSQAwRgIhAOvn",
  "1W7xLNObnObHeQYOjNgdjk6SPQPqryYidUkARWWfAiEA9V9oLYnYynIIIRFxhHXc",
  "Wpy5/niVKJJ9JnrPGuflsFY=",
  "-----END CERTIFICATE-----",
].join("\n");

/** The private key of TEST_CA: a test fixture, protecting nothing. */
export const TEST_KEY = [
  "-----BEGIN PRIVATE KEY-----",
  "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgH3n9hk3WYnprBKko",
  "HaFYjy0lzG4LnFZEQXlxqX310VChRANCAATIUTC2ODfOtlrbjKpAL4ymHBveTMeJ",
  "EJlYGRK2DTrP3AenYbh+0RdE6Y2ms4MzRrzgHSKetHW2gybDnSSU0GSk",
  "-----END PRIVATE KEY-----",
].join("\n");
