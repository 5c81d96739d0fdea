// A self-signed certificate for localhost and 127.0.0.1 (valid until 2126) and its key, made for these
// tests with openssl and used nowhere else: the https tests trust it through NODE_EXTRA_CA_CERTS in a
// child process, and check that without it, or for another name, the send fails.

export const TEST_TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgjMdTy84wVTRzQhLO
wXutciDeSwS0diQnDpFxCRl/46mhRANCAAT7h9ww27WOi831w+XNGN4Z9l1ELZpk
EWKgQ/XB8wx9M9v/9cPYOkGLk3tetFjmYB61ShcvPlQ98FLLtwJ8afon
-----END PRIVATE KEY-----
`;

export const TEST_TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUbJUR3EkhoYB5tTEr0WFwlQPNPcEwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMjAwNTE1MFoYDzIxMjYxMDI5
MDA1MTUwWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAT7h9ww27WOi831w+XNGN4Z9l1ELZpkEWKgQ/XB8wx9M9v/9cPYOkGL
k3tetFjmYB61ShcvPlQ98FLLtwJ8afono28wbTAdBgNVHQ4EFgQUwTE3lYZHZbQm
pNfx2m/AUExHrH0wHwYDVR0jBBgwFoAUwTE3lYZHZbQmpNfx2m/AUExHrH0wGgYD
VR0RBBMwEYIJbG9jYWxob3N0hwR/AAABMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZI
zj0EAwIDSAAwRQIgTjzrQMuEGNw82mgXKgodsQZJnjQW59xR8PWKcDK6SeECIQDI
uJoEFwbXDjVOhZeaX1rdfqC/k6NQXQLRNy1K1WHxBg==
-----END CERTIFICATE-----
`;
