// Instagram DMs through the Messenger Platform (webhook object "instagram"): text, media, story replies
// and story mentions. See messenger-platform.ts. Config: {pageId, pageAccessToken, appSecret, verifyToken}.
import { messengerPlatform } from './messenger-platform';

export const instagram = messengerPlatform('instagram', 'instagram', 'Instagram');
