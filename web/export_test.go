package web

// CookieSerializer is the session cookie's serializer, for tests that read a
// cookie the way the server does.
type CookieSerializer = cookieSerializer
