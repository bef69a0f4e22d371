"""A local fake of WhatDoTheyKnow, shaped like Alaveteli's own pages and JSON.

Alaveteli serves an authority's requests on `/body/<url_name>` (paginated with rel="next"),
the authority as JSON on `/body/<url_name>.json`, each request as JSON on
`/request/<url_title>.json` (InfoRequest#json_for_api: described_state, prominence, user,
public_body, info_request_events with their message ids) and as HTML on
`/request/<url_title>` (`div.outgoing.correspondence#outgoing-<id>`,
`div.incoming.correspondence#incoming-<id>`, each with a `.correspondence_text`, attachments
under `/request/<id>/response/<incoming id>/attach/<part>/<name>`). The authority and the
requesters here are fictional.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

from tests.disclosure_site import DisclosureSite, letter_pdf

BODY = "ashcombe_valley_council"
BODY_NAME = "Ashcombe Valley Council"
PUBLIC_BODY = {"id": 901, "url_name": BODY, "name": BODY_NAME, "short_name": "AVC",
               "created_at": "2009-01-01T00:00:00.000+00:00", "updated_at": "2024-01-01T00:00:00.000+00:00",
               "home_page": "https://www.ashcombe.example.org", "notes": "", "publication_scheme": "",
               "tags": [["local_council"]]}


@dataclass
class Message:
    """One event of a request: the requester's message, the authority's reply, or an annotation."""

    event_type: str  # sent, response, followup_sent, comment, status_update
    day: str
    text: str = ""
    attachment: str = ""
    """Letter text attached to a reply as a PDF."""


@dataclass
class FakeRequest:
    """A request as Alaveteli keeps it."""

    id: int
    url_title: str
    title: str
    described_state: str
    user_name: str
    user_url_name: str
    messages: list[Message] = field(default_factory=list)
    prominence: str = "normal"


def ashcombe_requests() -> list[FakeRequest]:
    """Four requests to Ashcombe Valley Council: three answered, one still waiting."""
    return [
        FakeRequest(7001, "pothole_repairs_in_2023", "Pothole repairs in 2023", "successful", "Jane Okafor",
                    "jane_okafor", [
                        Message("sent", "2024-01-02", "Dear Ashcombe Valley Council,\n\nPlease tell me:\n"
                                "1. How many potholes did the council repair on its roads in 2023?\n"
                                "2. How many pothole compensation claims did the council pay in 2023?\n\n"
                                "Yours faithfully,\n\nJane Okafor"),
                        Message("response", "2024-01-03", "Dear Ms Okafor,\n\nWe acknowledge receipt of your "
                                "request and will respond within 20 working days.\n\nInformation Governance"),
                        Message("response", "2024-01-25", "Dear Ms Okafor,\n\nOur reference: AVC-2024-0201\n\n"
                                "1. How many potholes did the council repair on its roads in 2023?\n"
                                "The council repaired 4,318 potholes in 2023.\n\n"
                                "2. How many pothole compensation claims did the council pay in 2023?\n"
                                "The council paid thirty-eight claims in 2023.\n\n"
                                "Yours sincerely,\n\nInformation Governance Team\nAshcombe Valley Council"),
                        Message("followup_sent", "2024-01-26", "Dear Ashcombe Valley Council,\n\nThank you. "
                                "My neighbour Kit Marlowe says the potholes on Station Road were never fixed; "
                                "Jane Okafor would like a list.\n\nYours faithfully,\nJane Okafor"),
                        Message("comment", "2024-01-27", "Jane Okafor annotated: useful figures for the campaign."),
                    ]),
        FakeRequest(7002, "library_staffing", "Library staffing", "partially_successful", "Tomasz Brennan",
                    "tomasz_brennan", [
                        Message("sent", "2024-02-01", "Dear Ashcombe Valley Council,\n\n"
                                "1. How many staff worked in council libraries in 2023?\n"
                                "2. Please provide the names of library staff disciplined in 2023.\n\n"
                                "Yours sincerely,\nTomasz Brennan"),
                        Message("response", "2024-02-20", "Dear Mr Brennan,\n\nPlease find our response attached.\n\n"
                                "Information Governance Team",
                                attachment="Ashcombe Valley Council\nOur reference: AVC-2024-0202\n"
                                "Date: 20 February 2024\n\n"
                                "1. How many staff worked in council libraries in 2023?\n"
                                "Forty-one staff worked in council libraries in 2023.\n\n"
                                "2. Please provide the names of library staff disciplined in 2023.\n"
                                "The names are withheld under section 40(2) of the Freedom of Information Act 2000 "
                                "as they are personal data.\n"),
                    ]),
        FakeRequest(7003, "leisure_centre_asbestos", "Leisure centre asbestos survey", "not_held", "R. Achebe",
                    "r_achebe", [
                        Message("sent", "2024-03-04", "Dear Ashcombe Valley Council,\n\nPlease provide a copy of "
                                "the 1998 asbestos survey of Millbrook Leisure Centre.\n\nYours faithfully,\n"
                                "R. Achebe"),
                        Message("response", "2024-03-22", "Dear R. Achebe,\n\nOur reference: AVC-2024-0203\n\n"
                                "The council does not hold a 1998 asbestos survey of Millbrook Leisure Centre. "
                                "The earliest survey it holds dates from 2006.\n\nInformation Governance Team"),
                    ]),
        FakeRequest(7004, "grass_cutting_schedule", "Grass cutting schedule", "waiting_response", "Ann Other",
                    "ann_other", [
                        Message("sent", "2024-04-01", "Dear Ashcombe Valley Council,\n\nWhen is the grass in "
                                "Millbrook Park cut?\n\nYours faithfully,\nAnn Other"),
                    ]),
    ]


class FakeWhatDoTheyKnow:
    """Publishes requests on a DisclosureSite the way Alaveteli does (two requests per listing page)."""

    def __init__(self, requests: list[FakeRequest]) -> None:
        self.site = DisclosureSite()
        self.requests = requests
        self.site.put("/robots.txt", "text/plain", b"User-agent: *\nDisallow: /profile/\nDisallow: /search\n")
        self.publish()

    @property
    def base(self) -> str:
        """The fake site's root URL."""
        return self.site.base

    def publish(self) -> None:
        """(Re)write every page and JSON document from the requests."""
        self.site.put(f"/body/{BODY}.json", "application/json", json.dumps(PUBLIC_BODY).encode())
        pages = [self.requests[i : i + 2] for i in range(0, len(self.requests), 2)]
        for number, chunk in enumerate(pages, start=1):
            items = "".join(
                f'<div class="request_listing"><span class="head"><a href="/request/{r.url_title}#incoming-1">'
                f"{html.escape(r.title)}</a></span><span class=\"bottomline\">{r.described_state}</span></div>"
                for r in chunk)
            following = (f'<a class="next_page" rel="next" href="/body/{BODY}?page={number + 1}">Next →</a>'
                         if number < len(pages) else "")
            path = f"/body/{BODY}" if number == 1 else f"/body/{BODY}?page={number}"
            self.site.put(path, "text/html; charset=utf-8",
                          f"<html><body><h1>{BODY_NAME}</h1>{items}<div class=\"pagination\">{following}</div>"
                          "</body></html>".encode())
        for request in self.requests:
            self.site.put(f"/request/{request.url_title}.json", "application/json",
                          json.dumps(self._json(request)).encode())
            self.site.put(f"/request/{request.url_title}", "text/html; charset=utf-8", self._page(request).encode())
            for index, message in enumerate(request.messages):
                if message.attachment:
                    self.site.put(self._attachment_path(request, index), "application/pdf",
                                  letter_pdf(message.attachment))

    def _json(self, request: FakeRequest) -> dict[str, object]:
        events = []
        for index, message in enumerate(request.messages):
            event_id = request.id * 100 + index
            events.append({
                "id": event_id, "event_type": message.event_type,
                "created_at": f"{message.day}T10:00:00.000+00:00", "described_state": None,
                "calculated_state": request.described_state, "last_described_at": None,
                "incoming_message_id": event_id if message.event_type == "response" else None,
                "outgoing_message_id": event_id if message.event_type in ("sent", "followup_sent") else None,
                "comment_id": event_id if message.event_type == "comment" else None,
                "display_status": request.described_state.replace("_", " "),
            })
        return {
            "id": request.id, "url_title": request.url_title, "title": request.title,
            "created_at": f"{request.messages[0].day}T10:00:00.000+00:00",
            "updated_at": f"{request.messages[-1].day}T10:00:00.000+00:00",
            "described_state": request.described_state, "display_status": request.described_state,
            "awaiting_description": False, "prominence": request.prominence, "law_used": "foi", "tags": [],
            "user": {"id": request.id + 50, "url_name": request.user_url_name, "name": request.user_name,
                     "ban_text": "", "about_me": f"I am {request.user_name}."},
            "public_body": PUBLIC_BODY,
            "info_request_events": events,
        }

    def _attachment_path(self, request: FakeRequest, index: int) -> str:
        return f"/request/{request.id}/response/{request.id * 100 + index}/attach/2/response_letter.pdf"

    def _page(self, request: FakeRequest) -> str:
        parts = [f"<html><head><title>{html.escape(request.title)} - a Freedom of Information request to "
                 f"{BODY_NAME}</title></head><body><h1>{html.escape(request.title)}</h1>"
                 f'<p class="subtitle">{html.escape(request.user_name)} made this Freedom of Information request '
                 f"to {BODY_NAME}</p>"]
        for index, message in enumerate(request.messages):
            event_id = request.id * 100 + index
            body = html.escape(message.text).replace("\n", "<br>\n")
            if message.event_type in ("sent", "followup_sent"):
                parts.append(f'<div class="outgoing correspondence" id="outgoing-{event_id}">'
                             f'<div class="correspondence__header">{html.escape(request.user_name)} '
                             f"{message.day}</div>"
                             f'<div class="correspondence_text"><p>{body}</p></div></div>')
            elif message.event_type == "response":
                attachments = ""
                if message.attachment:
                    attachments = (f'<div class="attachments"><p class="attachment"><a href="'
                                   f'{self._attachment_path(request, index)}">response_letter.pdf</a> '
                                   "<strong>response_letter.pdf</strong> 12K Download</p></div>")
                parts.append(f'<div class="incoming correspondence box" id="incoming-{event_id}">'
                             f"<h2>{BODY_NAME}<br><br>{message.day}</h2>"
                             f'<div class="correspondence_text">{attachments}<p>{body}</p></div></div>')
            else:
                parts.append(f'<div class="comment_in_request box" id="comment-{event_id}"><p>{body}</p></div>')
        return "".join(parts) + "</body></html>"
