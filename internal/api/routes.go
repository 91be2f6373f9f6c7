package api

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"time"

	"hms/internal/account"
)

type empty struct{}

// MeOutput describes the caller.
type MeOutput struct {
	Body struct {
		UserID       int64           `json:"user_id"`
		Organisation string          `json:"organisation" doc:"Slug of the token's organisation"`
		Role         account.Role    `json:"role"`
		Scopes       []account.Scope `json:"scopes"`
	}
}

// OrganisationOutput is the token's organisation.
type OrganisationOutput struct {
	Body struct {
		Slug        string    `json:"slug"`
		Name        string    `json:"name"`
		CreatedAt   time.Time `json:"created_at"`
		TrialEndsAt time.Time `json:"trial_ends_at"`
		// Details are what every document prints (PUT /organisation).
		Details OrgDetailsJSON `json:"details"`
	}
}

// MemberJSON is one member.
type MemberJSON struct {
	UserID int64        `json:"user_id"`
	Name   string       `json:"name"`
	Email  string       `json:"email"`
	Role   account.Role `json:"role"`
	Since  time.Time    `json:"since"`
}

// ListMembersInput pages through members in user_id order (the cursor is
// the last user_id seen).
type ListMembersInput struct {
	PageInput
}

// MembersOutput is a page of members.
type MembersOutput struct {
	Body Page[MemberJSON]
}

// InviteInput invites a colleague.
type InviteInput struct {
	Body struct {
		Email string       `json:"email" maxLength:"254"`
		Role  account.Role `json:"role"`
	}
}

// MemberPathInput names a member.
type MemberPathInput struct {
	UserID int64 `path:"user_id"`
}

// ChangeRoleInput changes a member's role.
type ChangeRoleInput struct {
	UserID int64 `path:"user_id"`
	Body   struct {
		Role account.Role `json:"role"`
	}
}

// TokenJSON describes a token without its secret.
type TokenJSON struct {
	ID         int64           `json:"id"`
	Name       string          `json:"name"`
	Scopes     []account.Scope `json:"scopes"`
	CreatedAt  time.Time       `json:"created_at"`
	LastUsedAt *time.Time      `json:"last_used_at,omitempty"`
	Revoked    bool            `json:"revoked"`
}

// ListTokensInput pages through tokens, newest first.
type ListTokensInput struct {
	PageInput
}

// TokensOutput is a page of tokens.
type TokensOutput struct {
	Body Page[TokenJSON]
}

// CreateTokenInput makes a token.
type CreateTokenInput struct {
	Body struct {
		Name   string          `json:"name" maxLength:"80"`
		Scopes []account.Scope `json:"scopes"`
	}
}

// CreateTokenOutput carries the secret, once.
type CreateTokenOutput struct {
	Status int
	Body   struct {
		Token string `json:"token" doc:"The secret; shown only in this response"`
	}
}

// TokenPathInput names a token.
type TokenPathInput struct {
	ID int64 `path:"id"`
}

// NoContent is an empty 204 answer.
type NoContent struct {
	Status int
}

// areas are the operation registrations of other capability files (each
// adds itself in init).
var areas []func(*API)

func (a *API) register() {
	for _, register := range areas {
		defer register(a)
	}
	op(a, http.MethodGet, "/me", "get-me", "Who am I", account.PermOrgRead,
		func(ctx context.Context, act account.Actor, _ *empty) (*MeOutput, error) {
			out := &MeOutput{}
			out.Body.UserID, out.Body.Organisation, out.Body.Role = act.UserID, act.OrgSlug, act.Role
			out.Body.Scopes = append([]account.Scope{}, act.Scopes...)
			return out, nil
		})
	op(a, http.MethodGet, "/organisation", "get-organisation", "The token's organisation with the details its documents print",
		account.PermOrgRead, a.getOrganisation)
	op(a, http.MethodGet, "/members", "list-members", "List members", account.PermOrgRead,
		func(ctx context.Context, act account.Actor, in *ListMembersInput) (*MembersOutput, error) {
			ms, _, err := a.Accounts.Members(ctx, act)
			if err != nil {
				return nil, err
			}
			// An organisation has few members: the service reads them whole.
			slices.SortFunc(ms, func(x, y account.Member) int { return cmp.Compare(x.UserID, y.UserID) })
			items := make([]MemberJSON, 0, len(ms))
			for _, m := range ms {
				items = append(items, MemberJSON{UserID: m.UserID, Name: m.Name, Email: m.Email, Role: m.Role, Since: m.Since})
			}
			page, err := pageOf(items, in.PageInput, func(m MemberJSON) string { return idKey(m.UserID) })
			if err != nil {
				return nil, err
			}
			return &MembersOutput{Body: page}, nil
		})
	op(a, http.MethodPost, "/members/invitations", "invite-member", "Invite a colleague by e-mail", account.PermMembersManage,
		func(ctx context.Context, act account.Actor, in *InviteInput) (*NoContent, error) {
			if err := a.Accounts.Invite(ctx, act, in.Body.Email, account.Role(in.Body.Role)); err != nil {
				return nil, err
			}
			return &NoContent{Status: http.StatusAccepted}, nil
		})
	op(a, http.MethodPatch, "/members/{user_id}", "change-member-role", "Change a member's role", account.PermMembersManage,
		func(ctx context.Context, act account.Actor, in *ChangeRoleInput) (*NoContent, error) {
			if err := a.Accounts.ChangeRole(ctx, act, in.UserID, account.Role(in.Body.Role)); err != nil {
				return nil, err
			}
			return &NoContent{Status: http.StatusNoContent}, nil
		})
	op(a, http.MethodDelete, "/members/{user_id}", "remove-member", "Remove a member", account.PermMembersManage,
		func(ctx context.Context, act account.Actor, in *MemberPathInput) (*NoContent, error) {
			if err := a.Accounts.RemoveMember(ctx, act, in.UserID); err != nil {
				return nil, err
			}
			return &NoContent{Status: http.StatusNoContent}, nil
		})
	op(a, http.MethodGet, "/tokens", "list-tokens", "List API tokens", account.PermTokensManage,
		func(ctx context.Context, act account.Actor, in *ListTokensInput) (*TokensOutput, error) {
			ts, err := a.Accounts.APITokens(ctx, act)
			if err != nil {
				return nil, err
			}
			items := make([]TokenJSON, 0, len(ts))
			for _, t := range ts {
				j := TokenJSON{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, Revoked: t.Revoked, Scopes: append([]account.Scope{}, t.Scopes...)}
				if !t.LastUsedAt.IsZero() {
					lu := t.LastUsedAt
					j.LastUsedAt = &lu
				}
				items = append(items, j)
			}
			page, err := pageOf(items, in.PageInput, func(t TokenJSON) string { return idKey(t.ID) })
			if err != nil {
				return nil, err
			}
			return &TokensOutput{Body: page}, nil
		})
	op(a, http.MethodPost, "/tokens", "create-token", "Create an API token", account.PermTokensManage,
		func(ctx context.Context, act account.Actor, in *CreateTokenInput) (*CreateTokenOutput, error) {
			tok, err := a.Accounts.CreateAPIToken(ctx, act, in.Body.Name, in.Body.Scopes)
			if err != nil {
				return nil, err
			}
			out := &CreateTokenOutput{Status: http.StatusCreated}
			out.Body.Token = tok
			return out, nil
		})
	op(a, http.MethodDelete, "/tokens/{id}", "revoke-token", "Revoke an API token", account.PermTokensManage,
		func(ctx context.Context, act account.Actor, in *TokenPathInput) (*NoContent, error) {
			if err := a.Accounts.RevokeAPIToken(ctx, act, in.ID); err != nil {
				return nil, err
			}
			return &NoContent{Status: http.StatusNoContent}, nil
		})
}
