/**
 * The User ID field of cuffs and scales shared by a household (User Data Service user
 * index): 0-254 a user of the device, 255 an unknown user.
 */
export const UNKNOWN_USER_ID = 0xff;
