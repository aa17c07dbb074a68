package server

import (
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"
)

// GeoReport v2 requires XML and allows JSON, "a programmatic mapping of the
// XML format" (the Spark convention): each document below is one Go value
// written either way, so the two formats always carry the same fields.
// XML is schemaless and without a namespace, as the specification asks,
// with the XML declaration naming UTF-8, as text/xml; charset=utf-8.

// open311Discovery is discovery.json|xml.
type open311Discovery struct {
	XMLName    xml.Name          `json:"-" xml:"discovery"`
	Changeset  string            `json:"changeset" xml:"changeset"`
	Contact    string            `json:"contact" xml:"contact"`
	KeyService string            `json:"key_service" xml:"key_service"`
	Endpoints  []open311Endpoint `json:"endpoints" xml:"endpoints>endpoint"`
}

// open311Endpoint is one endpoint of the discovery document.
type open311Endpoint struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

// open311Definition is services/{code}.json|xml: no service has
// attributes (metadata is false for all), so the list is empty.
type open311Definition struct {
	XMLName     xml.Name   `json:"-" xml:"service_definition"`
	ServiceCode string     `json:"service_code" xml:"service_code"`
	Attributes  []struct{} `json:"attributes" xml:"-"`
	// XMLAttributes writes the empty <attributes></attributes> element.
	XMLAttributes struct{} `json:"-" xml:"attributes"`
}

// open311Created is the answer to a submission.
type open311Created struct {
	ServiceRequestID string  `json:"service_request_id" xml:"service_request_id"`
	ServiceNotice    string  `json:"service_notice" xml:"service_notice"`
	AccountID        *string `json:"account_id" xml:"account_id"` // always null: no accounts
}

// The XML roots of the lists (JSON writes them as bare arrays).
type (
	open311ServicesXML struct {
		XMLName  xml.Name             `xml:"services"`
		Services []open311ServiceInfo `xml:"service"`
	}
	open311RequestsXML struct {
		XMLName  xml.Name         `xml:"service_requests"`
		Requests []open311Request `xml:"request"`
	}
	open311CreatedXML struct {
		XMLName  xml.Name         `xml:"service_requests"`
		Requests []open311Created `xml:"request"`
	}
	open311ErrorsXML struct {
		XMLName xml.Name       `xml:"errors"`
		Errors  []open311Error `xml:"error"`
	}
)

// open311IsXML reports whether a request asks for XML: its path (or the
// {file} of services/{code} and requests/{id}) ends in ".xml".
func open311IsXML(c echo.Context) bool { return strings.HasSuffix(c.Request().URL.Path, ".xml") }

// open311Send writes v as JSON, or as XML when the path ends in .xml.
func open311Send(c echo.Context, status int, v any) error {
	if !open311IsXML(c) {
		return c.JSON(status, v)
	}
	var doc any
	switch v := v.(type) {
	case []open311ServiceInfo:
		doc = open311ServicesXML{Services: v}
	case []open311Request:
		doc = open311RequestsXML{Requests: v}
	case []open311Created:
		doc = open311CreatedXML{Requests: v}
	case []open311Error:
		doc = open311ErrorsXML{Errors: v}
	case open311Discovery, open311Definition:
		doc = v
	default:
		return fmt.Errorf("open311: no XML form for %T", v)
	}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("open311: xml: %w", err)
	}
	out := append([]byte(`<?xml version="1.0" encoding="utf-8"?>`+"\n"), b...)
	return c.Blob(status, "text/xml; charset=utf-8", append(out, '\n'))
}
