// Expedia guest messages and reservations. Expedia's lodging APIs are partner-only: this adapter speaks
// the Guesty Open API channel-manager format (see guesty.ts). Config: {signingSecret, apiToken}.
import { guestyPlatform } from './guesty';

export const expedia = guestyPlatform('expedia', 'Expedia', ['expedia']);
