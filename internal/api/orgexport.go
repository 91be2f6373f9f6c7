package api

import (
	"bytes"
	"context"
	"net/http"

	"hms/internal/account"
)

func init() {
	areas = append(areas, func(a *API) {
		op(a, http.MethodGet, "/export", "export-organisation",
			"The whole organisation as one zip: every table as JSON and CSV, the people decrypted (owners; issue 14)",
			account.PermMembersManage, a.exportOrganisation)
	})
}

// exportOrganisation answers the zip whole (the web page streams it).
func (a *API) exportOrganisation(ctx context.Context, act account.Actor, _ *empty) (*ZipOutput, error) {
	var buf bytes.Buffer
	if _, err := a.OrgExport.Export(ctx, act, &buf); err != nil {
		return nil, err
	}
	return &ZipOutput{ContentType: "application/zip",
		ContentDisposition: `attachment; filename="hms-` + act.OrgSlug + `-export.zip"`, Body: buf.Bytes()}, nil
}
