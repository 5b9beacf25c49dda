import { bootstrapApplication } from '@angular/platform-browser';
import { appConfig } from './app/app.config';
import { PriceBoard } from './app/price-board';

bootstrapApplication(PriceBoard, appConfig).catch((error: unknown) => console.error(error));
