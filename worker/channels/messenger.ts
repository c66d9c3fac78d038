// Facebook Messenger through the Messenger Platform (webhook object "page"). See messenger-platform.ts.
// Config: {pageId, pageAccessToken, appSecret, verifyToken}.
import { messengerPlatform } from './messenger-platform';

export const messenger = messengerPlatform('messenger', 'page', 'Messenger');
