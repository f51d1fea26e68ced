/**
 * Webex Meetings resources as the compliance archiver reads them. Field names are those of Cisco's
 * Meetings OpenAPI spec (webex-meeting.json, components.schemas: MeetingSeriesObject, Participant,
 * TranscriptObject; docs/webex-api.md, "Meetings"); only the fields we use are typed, the rest may
 * be present.
 */

/** GET /meetings/{meetingId} (a meeting instance). */
export interface Meeting {
  id: string;
  title: string;
  meetingType?: 'meetingSeries' | 'scheduledMeeting' | 'meeting';
  state?: string;
  start: string;
  end: string;
  hostUserId: string;
  hostDisplayName: string;
  hostEmail: string;
}

/** One item of GET /meetingParticipants?meetingId=… */
export interface MeetingParticipant {
  id: string;
  host?: boolean;
  coHost?: boolean;
  email?: string;
  displayName?: string;
  joinedTime?: string;
  leftTime?: string;
  meetingId?: string;
  hostEmail?: string;
}

/** One item of GET /meetingTranscripts. */
export interface MeetingTranscript {
  id: string;
  siteUrl: string;
  startTime: string;
  meetingTopic: string;
  meetingId: string;
  scheduledMeetingId: string;
  meetingSeriesId?: string;
  hostUserId: string;
  vttDownloadLink: string;
  txtDownloadLink: string;
  status: 'available' | 'deleted';
}

/** A directed meeting message's recipient (the Events API's `Recipient`). */
export interface MeetingMessageRecipient {
  personId?: string;
  personEmail?: string;
  guestDisplayName?: string;
  guestEmail?: string;
}
