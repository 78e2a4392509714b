// Package authmsg builds the encoded authorization failure messages that AWS services
// append to an UnauthorizedOperation error ("Encoded authorization failure message: ...")
// and that sts:DecodeAuthorizationMessage turns back into JSON.
//
// A Failure describes one denied request: whether it was an explicit deny, the Deny
// statements that decided it, the caller, the action, the resource and the request's
// condition keys. Failure.JSON renders it in the shape AWS's DecodedMessage has. A Codec
// compresses that JSON, seals it with the server's secretbox bound to the caller's account,
// and spells it in the URL-safe base64 alphabet AWS's encoded messages use; only the same
// account can decode it, and anything else decodes to ErrInvalid.
package authmsg
