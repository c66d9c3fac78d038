// Airbnb guest messages and reservations. Airbnb's API is partner-only: this adapter speaks the
// Guesty Open API channel-manager format (see guesty.ts). Config: {signingSecret, apiToken}.
import { guestyPlatform } from './guesty';

export const airbnb = guestyPlatform('airbnb', 'Airbnb', ['airbnb2', 'airbnb']);
