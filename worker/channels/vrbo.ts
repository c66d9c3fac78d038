// Vrbo guest messages and reservations. Vrbo's API is partner-only: this adapter speaks the
// Guesty Open API channel-manager format (see guesty.ts). Config: {signingSecret, apiToken}.
import { guestyPlatform } from './guesty';

export const vrbo = guestyPlatform('vrbo', 'Vrbo', ['homeaway2', 'homeaway', 'vrbo']);
