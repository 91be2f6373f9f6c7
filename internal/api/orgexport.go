package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"hms/internal/account"
	"hms/internal/orgexport"
	"hms/internal/platform/validation"
)

func init() {
	areas = append(areas, func(a *API) {
		op(a, http.MethodGet, "/export", "export-organisation",
			"The whole organisation as one zip: every table as JSON and CSV, sealed fields decrypted, every stored "+
				"document as a file (owners; issue 14, the export before a cancellation)",
			account.PermMembersManage, a.exportOrganisation, func(o *huma.Operation) {
				o.Responses = map[string]*huma.Response{"200": {Description: "The zip, streamed as it is written.",
					Content: map[string]*huma.MediaType{"application/zip": {}}}}
			})
	})
}

// exportOrganisation streams the zip to the response as it is written (an
// organisation's documents do not fit in memory). Who may export is
// checked before the first byte, so a refusal is a problem document.
func (a *API) exportOrganisation(_ context.Context, act account.Actor, _ *empty) (*huma.StreamResponse, error) {
	if !orgexport.CanExport(act) {
		return nil, validation.ErrForbidden
	}
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		hc.SetHeader("Content-Type", "application/zip")
		hc.SetHeader("Content-Disposition", `attachment; filename="hms-`+act.OrgSlug+`-export.zip"`)
		hc.SetHeader("Cache-Control", "private, no-store")
		hc.SetStatus(http.StatusOK)
		if _, err := a.OrgExport.Export(hc.Context(), act, hc.BodyWriter()); err != nil {
			// The headers are sent: the client gets a broken zip, the log says why.
			a.Log.Error("organisation export", "err", err)
		}
	}}, nil
}
