package model

import (
	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/internal/catalog"
)

// TitleConnection is a page of titles as the viewer sees them (see catalog.Title); it
// replaces ent's own, whose nodes are bare entities.
type TitleConnection struct {
	Edges      []*TitleEdge
	PageInfo   ent.PageInfo
	TotalCount int
}

// TitleEdge is one title of a TitleConnection.
type TitleEdge struct {
	Node   *catalog.Title
	Cursor ent.Cursor
}
