package mail

import "regexp"

// secretParam is a query parameter that carries a one-time secret in a
// link: the tokens of password-reset, invitation and confirmation mails.
var secretParam = regexp.MustCompile(`(?i)([?&](?:token|code|key|secret)=)[^&\s"'<>]+`)

// MaskLinks hides the secrets in the links of a message for people who
// read mail that is not theirs (staff in the console's outbox): the path
// stays ("…/password/reset?token=…"), so staff see which mail it is, but
// the token that would let them act as the recipient does not.
func MaskLinks(s string) string {
	return secretParam.ReplaceAllString(s, "${1}…")
}
